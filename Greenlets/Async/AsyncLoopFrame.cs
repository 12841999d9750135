namespace Greenlets.Internal;

/// <summary>One running trampoline loop of a tree: its place among the loops of its thread and the switch its current step asked for.</summary>
internal sealed class AsyncLoopFrame
{
    /// <summary>Gets or sets the tree whose loop this is.</summary>
    public AsyncTree Owner { get; set; } = null!;

    /// <summary>Gets or sets the loop this one runs inside, on the same thread (a loop of another tree, run by code in
    /// one of its steps), or null.</summary>
    public AsyncLoopFrame? Outer { get; set; }

    /// <summary>Gets or sets the greenlet the running step switched to; the loop resumes it when the step returns.</summary>
    public AsyncGreenlet? Next { get; set; }

    /// <summary>Gets or sets what a switch made now gets instead of running: set while a stray continuation runs inside
    /// a step (see AsyncSchedulerLink), together with a non-null <see cref="Next"/> that sends switches to the refusal.</summary>
    public Func<Exception>? Refusal { get; set; }

    /// <summary>Gets or sets the tree, first greenlet and root of a loop started inside an execution context.</summary>
    public AsyncTree Tree { get; set; } = null!;

    /// <inheritdoc cref="Tree"/>
    public AsyncGreenlet? First { get; set; }

    /// <inheritdoc cref="Tree"/>
    public AsyncGreenlet? Root { get; set; }

    /// <summary>Gets or sets whether that loop ended with control back at its root.</summary>
    public bool Returned { get; set; }
}
