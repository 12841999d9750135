namespace Greenlets.Tests;

/// <summary>A greenlet with no body whose own <c>Run</c> hides <see cref="Greenlet"/>'s instead of overriding it: the
/// switch never calls the hiding method, so the greenlet has no body (as <see cref="NoRunGreenlet"/>).</summary>
internal sealed class HidingRunGreenlet(Greenlet? parent = null) : Greenlet(parent)
{
    /// <summary>Gets whether the hiding method was ever called.</summary>
    public bool Called { get; private set; }

    /// <summary>Not an override: only a caller typed as this class reaches it.</summary>
    /// <param name="argument">Ignored.</param>
    /// <returns>Null.</returns>
    internal new object? Run(object? argument)
    {
        Called = true;
        return null;
    }
}
