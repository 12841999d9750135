namespace Greenlets.Internal;

/// <summary>
/// The flat loop that resumes async greenlets one after another on the current thread, so that a chain of switches
/// never deepens the stack and never hops to the thread pool.
/// </summary>
/// <remarks>
/// <para>A switch made inside a trampoline step only records its target (<see cref="Next"/>) and returns a pending
/// <see cref="ValueTask{TResult}"/>; the switcher awaits it, its async frames unwind back to the loop, and the loop
/// resumes the target's continuation. A switch made outside any step (by outside code acting as the main greenlet, or
/// by greenlet code resumed after awaiting something else) runs a loop itself, inline, until control comes back to it
/// (its switch then completes synchronously) or the tree waits on something that is not a switch.</para>
/// <para>The loop state is per thread, so several threads never share it: the baton (<see cref="AsyncTree.Current"/>)
/// decides who may switch, and each loop only resumes what switches made on its own thread asked for.</para>
/// </remarks>
internal static class AsyncTrampoline
{
    [ThreadStatic]
    private static AsyncTree? loopTree;

    [ThreadStatic]
    private static AsyncGreenlet? next;

    /// <summary>Gets the tree whose loop runs a step on this thread, or null.</summary>
    public static AsyncTree? LoopTree => loopTree;

    /// <summary>Gets or sets the greenlet the running step switched to; the loop resumes it when the step returns.</summary>
    public static AsyncGreenlet? Next
    {
        get => next;
        set => next = value;
    }

    /// <summary>
    /// Resumes <paramref name="first"/> and whatever it switches to, until control reaches <paramref name="root"/>
    /// (returns true) or every greenlet waits on something other than a switch (returns false).
    /// </summary>
    public static bool Run(AsyncTree tree, AsyncGreenlet? first, AsyncGreenlet? root)
    {
        AsyncTree? savedTree = loopTree;
        AsyncGreenlet? savedNext = next;
        loopTree = tree;
        next = null;
        try
        {
            AsyncGreenlet? target = first;
            while (target is not null)
            {
                target.Receive(tree);
                if (target == root)
                {
                    target.CompleteInline();
                    return true;
                }

                target.Step();
                AsyncGreenlet? switched = next;
                next = null;

                // No switch: the step's greenlet finished, or it waits on something else and the tree waits with it.
                target = switched ?? target.AfterStep();
            }

            return false;
        }
        finally
        {
            loopTree = savedTree;
            next = savedNext;
        }
    }
}
