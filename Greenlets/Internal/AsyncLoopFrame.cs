namespace Greenlets.Internal;

/// <summary>One running trampoline loop of a tree: the thread it runs on and the switch its current step asked for.</summary>
internal sealed class AsyncLoopFrame
{
    /// <summary>Gets or sets the thread the loop runs on.</summary>
    public Thread Thread { get; set; } = null!;

    /// <summary>Gets or sets the greenlet the running step switched to; the loop resumes it when the step returns.</summary>
    public AsyncGreenlet? Next { get; set; }

    /// <summary>Gets or sets the tree, first greenlet and root of a loop started inside an execution context.</summary>
    public AsyncTree Tree { get; set; } = null!;

    /// <inheritdoc cref="Tree"/>
    public AsyncGreenlet? First { get; set; }

    /// <inheritdoc cref="Tree"/>
    public AsyncGreenlet? Root { get; set; }

    /// <summary>Gets or sets whether that loop ended with control back at its root.</summary>
    public bool Returned { get; set; }
}
