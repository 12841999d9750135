using System.Diagnostics;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>A dedicated OS thread whose tree does nothing but run a <see cref="Greenlets.Hub"/>: the way into the hub
/// layer from async code (<c>async Main</c>, ASP.NET Core, a hosted service).</summary>
/// <remarks>
/// <para>The thread's main greenlet waits in the hub until <see cref="StopAsync"/>, so the hub runs whatever is posted
/// to it and never throws <see cref="HubLoopExitException"/> for lack of work: while idle it sleeps on a futex,
/// and a post from any thread wakes it at once. Post work with <see cref="InvokeAsync(Action)"/> (or
/// <see cref="Hub.InvokeAsync(Action)"/>) and await the result from any thread.</para>
/// <para><see cref="StopAsync"/>, <see cref="DisposeAsync"/> and <see cref="Dispose"/> stop taking work, kill every
/// unfinished <see cref="GreenTask"/> of the hub with <see cref="GreenletExit"/> (again, round after round, if a
/// task survives a kill or spawns more), end the hub and join the thread. A task that catches every
/// <see cref="GreenletExit"/> and keeps waiting keeps the stop waiting. Tasks scheduled with
/// <see cref="Hub.SpawnLater"/> that have not started never run.</para>
/// <para>The thread is a background thread: a process that exits without stopping it does not wait for its tasks.</para>
/// </remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class HubThread : IAsyncDisposable, IDisposable
{
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts the thread and its hub; returns once the hub exists.</summary>
    /// <param name="name">The OS thread's name, or null for "hub thread".</param>
    /// <exception cref="OutOfMemoryException">The OS could not start a thread.</exception>
    public HubThread(string? name = null)
    {
        var started = new TaskCompletionSource<Hub>(TaskCreationOptions.RunContinuationsAsynchronously);
        _thread = new Thread(ThreadMain) { IsBackground = true, Name = name ?? "hub thread" };
        _thread.Start(started);
        Hub = started.Task.GetAwaiter().GetResult();
    }

    /// <summary>Gets the hub this thread runs; its <see cref="Hub.InvokeAsync(Action)"/> and the thread-safe members
    /// of the hub objects may be used from any thread.</summary>
    public Hub Hub { get; }

    /// <summary>Gets whether the thread has finished (stopped and joined, or failed).</summary>
    public bool IsStopped => _stopped.Task.IsCompleted;

    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"HubThread \"{_thread.Name}\" stopped={IsStopped}";

    /// <summary>Runs <paramref name="action"/> as a <see cref="GreenTask"/> in the hub; see <see cref="Hub.InvokeAsync(Action)"/>.</summary>
    /// <param name="action">The body.</param>
    /// <returns>A task that completes when the body has run; cancelled if the greenlet task is killed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The thread is stopping or stopped (the returned task is faulted with it).</exception>
    public Task InvokeAsync(Action action) => Hub.InvokeAsync(action);

    /// <summary>Runs <paramref name="function"/> as a <see cref="GreenTask{T}"/> in the hub and returns its result;
    /// see <see cref="Hub.InvokeAsync{T}(Func{T})"/>.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="function">The body.</param>
    /// <returns>A task with the body's result or exception; cancelled if the greenlet task is killed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The thread is stopping or stopped (the returned task is faulted with it).</exception>
    public Task<T> InvokeAsync<T>(Func<T> function) => Hub.InvokeAsync(function);

    /// <summary>Stops the hub: no more work is taken, unfinished tasks are killed with <see cref="GreenletExit"/>, the
    /// hub ends and the thread exits. Calling it again returns the same outcome.</summary>
    /// <returns>A task that completes once the thread has exited (called from the hub's own tree: once it is about to),
    /// or faults with a failure of the stop itself.</returns>
    public async Task StopAsync()
    {
        _stopRequested.TrySetResult();
        await _stopped.Task.ConfigureAwait(false);
        if (!OnOwnThread())
        {
            _thread.Join();
        }
    }

    /// <summary>Stops the hub and joins the thread (see <see cref="StopAsync"/>).</summary>
    /// <returns>A task that completes once the thread has exited.</returns>
    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>Stops the hub and blocks until the thread has exited (see <see cref="StopAsync"/>).</summary>
    /// <exception cref="InvalidOperationException">Called from the hub's own thread tree, which would wait for itself;
    /// use <see cref="StopAsync"/> there.</exception>
    public void Dispose()
    {
        if (OnOwnThread())
        {
            throw new InvalidOperationException("HubThread.Dispose cannot be called from a greenlet of its own hub: it would wait for itself. Use StopAsync.");
        }

        _stopRequested.TrySetResult();
        _thread.Join();
        _stopped.Task.GetAwaiter().GetResult();
    }

    /// <summary>Kills every unfinished task of <paramref name="hub"/>, round after round, until none is left; called from
    /// the hub's main greenlet when a hub is shut down (here and by the test scheduler).</summary>
    internal static void KillRemaining(Hub hub)
    {
        while (true)
        {
            // Posted work spawns its tasks and every ready greenlet runs once, so each live task is seen.
            Hub.Sleep(TimeSpan.Zero);
            GreenTask[] live = [.. hub.Tree.SnapshotLive().Select(core => core.Handle).OfType<GreenTask>().Where(t => !t.IsReady)];
            if (live.Length == 0)
            {
                return;
            }

            try
            {
                Hub.KillAll(live);
            }
            catch (HubLoopExitException)
            {
                // A task caught its GreenletExit and waits for something nobody will do: the next round kills it again.
            }
        }
    }

    private bool OnOwnThread() => GreenletCore.OnThisThread?.Tree == Hub.Tree;

    private void ThreadMain(object? state)
    {
        var started = (TaskCompletionSource<Hub>)state!;
        Hub hub;
        try
        {
            hub = Hub.Current;
            hub.Runner = this;
        }
        catch (Exception e)
        {
            started.SetException(e);
            _stopped.TrySetException(e);
            return;
        }

        started.SetResult(hub);
        try
        {
            // A pending .NET task keeps the hub alive: it sleeps while idle and runs whatever is posted.
            Hub.Wait(_stopRequested.Task);
            hub.CloseInvoke();
            KillRemaining(hub);
            hub.ClosePosts();
            if (!hub.IsDead)
            {
                // Ends the hub's loop so that its fiber returns to the pool now, not when the reaper finds the tree.
                hub.Throw(new GreenletExit());
            }

            _stopped.TrySetResult();
        }
        catch (Exception e)
        {
            _stopped.TrySetException(e);
        }
    }
}
