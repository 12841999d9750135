using System.Diagnostics;
using System.Runtime.CompilerServices;
using Greenlets.Internal;

namespace Greenlets;

public sealed partial class AsyncHub : IWaitHub
{
    bool IWaitHub.IsRunning => _tree.Current == this && IsOwnFlow;

    bool IWaitHub.IsOwnTree => IsOwnFlow;

    // Stackless: a waiter runs right after the current callback, from the _next queue.
    bool IWaitHub.ResumesInline => false;

    string IWaitHub.Owner => $"the async hub of another flow ({this})";

    /// <summary>Gets whether the caller is the code of this hub's tree that holds the baton: a step of the tree running
    /// on this thread, greenlet code resumed after a foreign await, the hub's own code, or outside code while the main
    /// greenlet runs.</summary>
    /// <remarks>The flow alone does not tell: a <see cref="Task.Run(Action)"/> started in the flow inherits its
    /// <see cref="ExecutionContext"/> and runs concurrently, so it must post like any other thread. Code of the flow
    /// that runs while the baton is elsewhere (the main greenlet parked, or the hub idle) is such concurrent code. A
    /// task started while its starter holds the baton cannot be told apart from it: do not share a tree's objects with
    /// work that runs concurrently with the greenlet that started it.</remarks>
    internal bool IsOwnFlow
    {
        get
        {
            if (_tree.FrameOnThisThread() is not null)
            {
                return true;
            }

            AsyncGreenlet holder = _tree.Current;
            return AsyncTree.Flow switch
            {
                AsyncTree tree => tree == _tree && holder != this,
                AsyncGreenlet main => main.Tree == _tree && holder == main,
                _ => false,
            };
        }
    }

    void IWaitHub.Schedule(Action callback) => Schedule(callback);

    void IWaitHub.Post(Action callback) => TryPost(callback);

    bool IWaitHub.TryPost(Action callback) => TryPost(callback);

    HubTimer IWaitHub.StartTimer(TimeSpan delay, Action callback, bool keepsAlive) => StartTimer(delay, callback, keepsAlive);

    void IWaitHub.AddExternalWake(int delta) => _loop.PendingTasks += delta;

    void IWaitHub.EnqueueResume(HubWaiter waiter) => _loop.Enqueue(HubReadyItem.Resume(waiter));

    void IWaitHub.SwitchInto(HubWaiter waiter)
    {
        Debug.Assert(((IWaitHub)this).IsRunning, "only the hub switches into a waiter");
        if (waiter.IsResumable)
        {
            _next.Enqueue(HubReadyItem.Resume(waiter));
        }
    }

    void IWaitHub.RunNext(Action callback) => _next.Enqueue(HubReadyItem.Call(callback));

    void IWaitHub.Park(HubWaiter waiter, bool listed) =>
        throw new InvalidOperationException(
            $"{waiter.What}: an async greenlet cannot wait synchronously; await the *Async member (for example WaitAsync, GetAsync, AcquireAsync).");

    /// <summary>Switches to the hub until it resumes this waiter (the waiter checks the value it is resumed with).</summary>
    ValueTask<object?> IWaitHub.ParkAsync(HubWaiter waiter, bool listed)
    {
        Debug.Assert(ReferenceEquals(waiter.Hub, this) && AsyncGreenlet.Current == waiter.Party && waiter.Party != this, "a wait parks its own greenlet in its own hub");
        if (listed)
        {
            _loop.Blocked.AddLast(waiter);
        }

        return SwitchAsync();
    }

    void IWaitHub.EndParkAsync(HubWaiter waiter) => _loop.Blocked.Remove(waiter);

    IWaitParty IWaitHub.CheckCanBlock() => CheckCanBlock();

    IWaitParty IWaitHub.CurrentParty => AsyncGreenlet.Current;

    /// <summary>Returns the running async greenlet, which must be of this hub's tree and not the hub.</summary>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="GreenletError">Called from another flow's tree, or from greenlet code that escaped its steps.</exception>
    internal AsyncGreenlet CheckCanBlock()
    {
        // Greenlet code that left its context (ConfigureAwait(false), Task.Run) is told so, not "another flow".
        AsyncSchedulerLink.ThrowIfEscaped();
        if (!IsOwnFlow)
        {
            throw new GreenletError($"The async hub {this} belongs to another flow's tree: wait in that tree only.");
        }

        AsyncGreenlet current = AsyncGreenlet.Current;
        if (current == this)
        {
            throw new InvalidOperationException("Impossible to call a blocking function in the hub (a hub callback or timer).");
        }

        return current;
    }

    /// <summary>Waits until the loop has nothing left to do (true) or the timeout passes (false).</summary>
    internal async ValueTask<bool> DrainAsync(TimeSpan? timeout)
    {
        HubWaiter waiter = HubWaiter.Begin(this, "AsyncHub.WaitAllAsync");
        _loop.AddDrain(waiter);
        try
        {
            // Not listed, and its timer keeps nothing alive: a drain waits for the others, it is not work of its own.
            await waiter.ParkAsync(timeout, listed: false, keepsAlive: false);
            return !waiter.TimedOut;
        }
        finally
        {
            _loop.RemoveDrain(waiter);
        }
    }

    /// <summary>Parks the running greenlet until <paramref name="task"/> completes, without observing its outcome.</summary>
    internal async ValueTask WaitForTaskAsync(Task task)
    {
        HubWaiter waiter = HubWaiter.Begin(this, "AsyncHub.WaitAsync(Task)");
        _loop.PendingTasks++;
        try
        {
            task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => TryPost(() =>
            {
                if (!waiter.Resume(null))
                {
                    // The waiter was killed or timed out first: observe the exception so it is not reported as unobserved.
                    _ = task.Exception;
                }
            }));
            await waiter.ParkAsync();
        }
        finally
        {
            _loop.PendingTasks--;
        }
    }
}
