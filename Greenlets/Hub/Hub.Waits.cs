using System.Diagnostics;
using Greenlets.Internal;

namespace Greenlets;

public sealed partial class Hub : IWaitHub
{
    internal int WaitingCount => _loop.Blocked.Count;

    bool IWaitHub.IsRunning => Greenlet.Current == this;

    bool IWaitHub.IsOwnTree => GreenletCore.OnThisThread?.Tree == _tree;

    bool IWaitHub.ResumesInline => true;

    string IWaitHub.Owner => $"the hub of thread {_tree.Owner.ManagedThreadId}";

    void IWaitHub.Schedule(Action callback) => Schedule(callback);

    void IWaitHub.Post(Action callback) => Post(callback);

    bool IWaitHub.TryPost(Action callback) => TryPost(callback);

    HubTimer IWaitHub.StartTimer(TimeSpan delay, Action callback, bool keepsAlive) => StartTimer(delay, callback, keepsAlive);

    void IWaitHub.AddExternalWake(int delta) => _loop.PendingTasks += delta;

    void IWaitHub.EnqueueResume(HubWaiter waiter) => _loop.Enqueue(HubReadyItem.Resume(waiter));

    // SwitchInto runs the waiter inline: nothing is ever deferred.
    void IWaitHub.RunNext(Action callback) => callback();

    IWaitParty IWaitHub.CheckCanBlock() => CheckCanBlock();

    IWaitParty IWaitHub.CurrentParty => Greenlet.Current;

    /// <summary>Returns the running greenlet, which must not be the hub.</summary>
    /// <exception cref="InvalidOperationException">The caller is the hub (a callback), or async greenlet code (which
    /// waits with the <c>*Async</c> members: a synchronous wait there would park a thread hub nothing runs).</exception>
    internal Greenlet CheckCanBlock()
    {
        AsyncHub.ThrowIfAsyncCaller();
        Greenlet current = Greenlet.Current;
        if (current == this)
        {
            throw new InvalidOperationException("Impossible to call a blocking function in the hub (a hub callback or timer).");
        }

        return current;
    }

    /// <summary>Throws <see cref="GreenletError"/> naming <paramref name="member"/> unless the caller runs in this hub's tree.</summary>
    /// <remarks>Checked before anything changes: a wait from another thread would otherwise fail deep inside, at the
    /// switch into this hub, with a message that does not say which call was wrong.</remarks>
    internal void CheckOwnTree(string member)
    {
        if (GreenletCore.OnThisThread?.Tree != _tree)
        {
            throw new GreenletError(
                $"{member} was called from thread {Environment.CurrentManagedThreadId}, but the object belongs to the hub of thread {_tree.Owner.ManagedThreadId}: use it from that thread only.");
        }
    }

    /// <summary>Switches to the hub until it resumes this waiter; a stray switch into the waiting greenlet throws.</summary>
    void IWaitHub.Park(HubWaiter waiter, bool listed)
    {
        Debug.Assert(ReferenceEquals(waiter.Hub, this) && Greenlet.Current == waiter.Party && waiter.Party != this, "a wait parks its own greenlet in its own hub");
        if (listed)
        {
            _loop.Blocked.AddLast(waiter);
        }

        try
        {
            if (!TryRelay(out object? value))
            {
                value = Switch();
            }

            waiter.CheckResumedWith(value);
        }
        finally
        {
            _loop.Blocked.Remove(waiter);
        }
    }

    /// <summary>A thread greenlet parks synchronously; the task is complete when it returns.</summary>
    ValueTask<object?> IWaitHub.ParkAsync(HubWaiter waiter, bool listed)
    {
        ((IWaitHub)this).Park(waiter, listed);
        return new ValueTask<object?>(waiter);
    }

    // Park unlisted the waiter already.
    void IWaitHub.EndParkAsync(HubWaiter waiter)
    {
    }

    /// <summary>Switches from the hub into a woken waiter's greenlet, which runs until it waits again (gevent's notifiers
    /// switch so, one waiter after the other); a failure escaping it is reported, a kill of the hub goes on.</summary>
    void IWaitHub.SwitchInto(HubWaiter waiter)
    {
        Debug.Assert(Greenlet.Current == this, "only the hub switches into a waiter");
        if (!waiter.IsResumable)
        {
            return;
        }

        var greenlet = (Greenlet)waiter.Party;
        try
        {
            greenlet.Switch(waiter);
        }
        catch (Exception e) when (e is not GreenletExit)
        {
            ReportError(greenlet, e);
        }
    }

    /// <summary>Waits until the loop has nothing left to do (true) or the timeout passes (false).</summary>
    internal bool Drain(TimeSpan? timeout)
    {
        HubWaiter waiter = HubWaiter.Begin(this, "Hub.WaitAll");
        _loop.AddDrain(waiter);
        try
        {
            // Not listed, and its timer keeps nothing alive: a drain waits for the others, it is not work of its own.
            return waiter.Park(timeout, listed: false, keepsAlive: false);
        }
        finally
        {
            _loop.RemoveDrain(waiter);
        }
    }

    /// <summary>Parks the running greenlet until <paramref name="task"/> completes, without observing its outcome.</summary>
    /// <remarks>It throws only when the wait itself ends otherwise (a kill, a <see cref="GreenTimeout"/>, the hub's
    /// exit): <see cref="GreenStream"/> tells that apart from the task's own failure this way.</remarks>
    internal void WaitForTask(Task task, CancellationToken cancellationToken = default)
    {
        HubWaiter waiter = HubWaiter.Begin(this, "Hub.Wait(Task)");
        _loop.PendingTasks++;
        try
        {
            task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => Post(() =>
            {
                if (!waiter.Resume(null))
                {
                    // The waiter was killed or timed out first: observe the exception so it is not reported as unobserved.
                    _ = task.Exception;
                }
            }));
            waiter.Park(cancellationToken: cancellationToken);
        }
        finally
        {
            _loop.PendingTasks--;
        }
    }
}
