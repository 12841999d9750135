namespace Greenlets.Internal;

/// <summary>
/// The flat loop that resumes async greenlets one after another on the current thread, so that a chain of switches
/// never deepens the stack and never hops to the thread pool.
/// </summary>
/// <remarks>
/// <para>A switch made inside a trampoline step only records its target (<see cref="AsyncLoopFrame.Next"/>) and returns
/// a pending <see cref="ValueTask{TResult}"/>; the switcher awaits it, its async frames unwind back to the loop, and
/// the loop resumes the target's continuation. A switch made outside any step (by outside code acting as the main
/// greenlet, or by greenlet code resumed after awaiting something else) runs a loop itself, inline, until control
/// comes back to it (its switch then completes synchronously) or the tree waits on something that is not a switch.</para>
/// <para>Each loop has its own frame, so two loops never share state: the baton (<see cref="AsyncTree.Current"/>)
/// decides who may switch, and a loop only resumes what switches made in its own steps asked for.</para>
/// </remarks>
internal static class AsyncTrampoline
{
    private static readonly ContextCallback RunInContext = static state =>
    {
        var frame = (AsyncLoopFrame)state!;
        frame.Returned = Loop(frame.Tree, frame, frame.First, frame.Root, aligned: true);
    };

    /// <summary>
    /// Resumes <paramref name="first"/> and whatever it switches to, until control reaches <paramref name="root"/>
    /// (returns true) or every greenlet waits on something other than a switch (returns false).
    /// </summary>
    public static bool Run(AsyncTree tree, AsyncGreenlet? first, AsyncGreenlet? root)
    {
        AsyncLoopFrame frame = tree.EnterLoop();
        try
        {
            return Loop(tree, frame, first, root, aligned: false);
        }
        finally
        {
            tree.ExitLoop(frame);
        }
    }

    private static bool Loop(AsyncTree tree, AsyncLoopFrame frame, AsyncGreenlet? first, AsyncGreenlet? root, bool aligned)
    {
        AsyncGreenlet? target = first;
        while (target is not null)
        {
            if (tree.InOrigin is not null)
            {
                target.Receive(tree);
            }

            if (target == root)
            {
                target.CompleteInline();
                return true;
            }

            // A tree with a scheduler runs each step in the greenlet's synchronization context (see AsyncSchedulerLink).
            if (tree.Scheduler is null)
            {
                target.Step();
            }
            else
            {
                target.StepScheduled(tree, frame);
            }

            target.EndStep();
            AsyncGreenlet? switched = frame.Next;
            frame.Next = null;

            // No switch: the step's greenlet finished, or it waits on something else and the tree waits with it.
            target = switched ?? target.AfterStep();
            if (!aligned && target is not null && target != root && tree.SharedContext is { } shared && ExecutionContext.Capture() != shared)
            {
                // A chain of steps: run the rest in the context the tree's greenlets share, so that resuming each of
                // them does not swap execution contexts twice.
                frame.Tree = tree;
                frame.First = target;
                frame.Root = root;
                ExecutionContext.Run(shared, RunInContext, frame);
                return frame.Returned;
            }

            aligned = true;
        }

        return false;
    }
}
