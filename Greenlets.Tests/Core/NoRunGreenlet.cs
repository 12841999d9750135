namespace Greenlets.Tests;

/// <summary>A greenlet with no body (Python's <c>greenlet(run=None)</c>): a subclass that does not override <c>Run</c>,
/// since a null delegate is refused at construction.</summary>
internal sealed class NoRunGreenlet(Greenlet? parent = null) : Greenlet(parent)
{
}
