namespace Greenlets.Tests;

/// <summary>One greenlet as the contract tests see it, whichever backend (thread fiber or async) runs it.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "greenlet's verb")]
public interface IGreenletHandle
{
    string Name { get; set; }

    IGreenletHandle? Parent { get; set; }

    GreenletState State { get; }

    bool IsStarted { get; }

    bool IsActive { get; }

    bool IsDead { get; }

    bool IsMain { get; }

    Task<object?> Switch(object? value = null);

    Task<object?> Throw(Exception? exception = null);
}
