using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Greenlets.Internal;

namespace Greenlets;

public sealed partial class GreenServer
{
    // gevent's stop_timeout, and the bound of its pool.kill(timeout=1) after it.
    private static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxKillWait = TimeSpan.FromSeconds(1);

    private readonly GreenEvent _stopped = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _stopStarted;
    private TimeSpan? _stopBudget;
    private TimeSpan _killWait;
    private HubTimer? _stopTimer;

    /// <summary>Stops the server: closes the listener, gives running handlers up to <paramref name="timeout"/> to finish,
    /// kills those still running, and returns once they have finished or at most min(<paramref name="timeout"/>, 1 s)
    /// later (gevent's <c>pool.kill(timeout=1)</c>), even if a handler survives its kill.</summary>
    /// <param name="timeout">How long handlers may take to finish; null for gevent's default of 1 second,
    /// <see cref="Timeout.InfiniteTimeSpan"/> to wait for them without killing.</param>
    /// <remarks>
    /// <para>All handlers are killed at once and waited for together: the wait is bounded overall, not per handler.
    /// Stopping is idempotent: a call while a stop is under way waits for that stop (within its time, not the new
    /// <paramref name="timeout"/>); a call after it returns at once.</para>
    /// <para>Called from inside a handler, it neither waits for nor kills that handler, which leaves the server's group
    /// (its pool slot frees) and carries on after <see cref="Stop"/> returns. Called from a hub callback, it starts the
    /// stop and returns without waiting.</para>
    /// <para>Callable from any thread (<c>Console.CancelKeyPress</c>, for instance): the stop is posted into the server's
    /// hub, which carries it out with callbacks and timers (no new greenlet, so it works at the thread cap too), and the
    /// calling thread blocks until it is over. Something must run the hub meanwhile, as for
    /// <see cref="Hub.InvokeAsync(Action)"/>: a <see cref="HubThread"/>, or a greenlet of its tree waiting (in
    /// <see cref="ServeForever"/>, for instance).</para>
    /// <para>A server with an asynchronous handler cannot be waited for synchronously from the code of its own async
    /// tree: await <see cref="StopAsync"/> there.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite (nothing
    /// is stopped).</exception>
    /// <exception cref="InvalidOperationException">Called from the async tree of a server with an asynchronous handler
    /// while it is not stopped (nothing is stopped).</exception>
    public void Stop(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        EndSynchronously(StopAs(timeout, StopCaller.Blocking));
    }

    /// <summary>Stops the server as <see cref="Stop"/> does, waiting cooperatively: from async greenlet code of the
    /// server's own tree (the wait parks the caller in the hub), or asynchronously from anywhere else.</summary>
    /// <param name="timeout">How long handlers may take to finish, as for <see cref="Stop"/>.</param>
    /// <returns>A task that completes when the stop is over.</returns>
    /// <remarks>The rules are <see cref="Stop"/>'s: the same bounds, idempotent, and from inside a handler that handler
    /// is neither waited for nor killed. From another thread or flow the stop is posted into the server's hub and the
    /// returned task completes when it is over (from async greenlet code of another tree, wait on it with
    /// <see cref="AsyncHub.WaitAsync(Task)"/> so that tree's other greenlets run meanwhile).</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite (nothing
    /// is stopped).</exception>
    public ValueTask StopAsync(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        return StopAs(timeout, StopCaller.Awaiting);
    }

    /// <summary>Stops the server, waiting as <see cref="StopAsync"/> does.</summary>
    /// <returns>A task that completes when the stop is over.</returns>
    public ValueTask DisposeAsync() => StopAsync();

    /// <summary>How the caller of a stop waits for it.</summary>
    private enum StopCaller
    {
        /// <summary><see cref="Stop"/>: blocks (a greenlet of the tree parks synchronously).</summary>
        Blocking,

        /// <summary><see cref="StopAsync"/>: awaits.</summary>
        Awaiting,

        /// <summary><see cref="Dispose"/>: blocks where it can; in an async tree it only starts the stop.</summary>
        Disposing,
    }

    /// <summary>The one entry of every stop: starts it where the caller runs (or posts it), then waits as the caller can.</summary>
    private ValueTask StopAs(TimeSpan? timeout, StopCaller caller)
    {
        TimeSpan span = timeout ?? DefaultStopTimeout;
        IWaitHub? hub;
        lock (_sync)
        {
            hub = _hub;
            if (hub is null)
            {
                // Never started: no greenlet of the server exists, only the listener to close, from any thread.
                _state = ServerState.Stopped;
                _listener?.Dispose();
            }
        }

        if (hub is null)
        {
            _stopped.Set();
            _done.TrySetResult();
            return default;
        }

        if (!hub.IsOwnTree)
        {
            return StopFromOtherThread(hub, span, caller);
        }

        // The hub's own code (a callback) never waits; an async tree cannot block, so a synchronous stop there is
        // refused before anything changes (a Dispose only starts it).
        bool wait = !hub.IsRunning;
        if (wait && caller != StopCaller.Awaiting && hub is AsyncHub && _state != ServerState.Stopped)
        {
            if (caller == StopCaller.Blocking)
            {
                throw new InvalidOperationException(
                    $"GreenServer {LocalEndPoint} serves on an async hub: Stop cannot block in its own async tree; await StopAsync instead.");
            }

            wait = false;
        }

        BeginStop(span, CurrentTask(hub));
        if (!wait || _state != ServerState.Stopping)
        {
            return default;
        }

        if (caller == StopCaller.Awaiting)
        {
            return WaitForStopAsync();
        }

        WaitForStop();
        return default;
    }

    private ValueTask StopFromOtherThread(IWaitHub hub, TimeSpan span, StopCaller how)
    {
        if (_done.Task.IsCompleted)
        {
            return default;
        }

        if (!hub.TryPost(() => BeginStop(span, caller: null)))
        {
            // The hub's thread or flow has finished: none of the server's greenlets runs again; only the listener is left.
            _listener?.Dispose();
            return default;
        }

        if (how == StopCaller.Awaiting)
        {
            return new ValueTask(_done.Task);
        }

        _done.Task.GetAwaiter().GetResult();
        return default;
    }

    /// <summary>In the hub's tree (a greenlet or a hub callback): starts the stop unless it is under way, and lets a
    /// handler that stops its own server out of the group. Never waits.</summary>
    /// <param name="span">The handlers' time.</param>
    /// <param name="caller">The running task of the server's hub (a handler, the acceptor), or null.</param>
    private void BeginStop(TimeSpan span, object? caller)
    {
        if (caller is not null && !IsAcceptor(caller))
        {
            DiscardHandler(caller);
        }

        if (_state == ServerState.Started)
        {
            _state = ServerState.Stopping;
            _stopStarted = Stopwatch.GetTimestamp();
            bool infinite = HubTimeouts.IsInfinite(span);
            _killWait = infinite || span > MaxKillWait ? MaxKillWait : span;
            _stopBudget = infinite ? null : span + _killWait;
            _listener?.Dispose();
            CloseHandedOver();
            if (caller is null || !IsAcceptor(caller))
            {
                KillAcceptor();
            }

            if (!infinite)
            {
                _stopTimer = _hub!.StartTimer(span, KillHandlers);
            }
        }

        if (_state == ServerState.Stopping && _handlers.Count == 0)
        {
            Finish();
        }
    }

    /// <summary>Closes the connections handed over that no handler took yet.</summary>
    private void CloseHandedOver()
    {
        while (_handedOver is not null && _handedOver.TryGet(out (Socket Client, EndPoint Remote) waiting))
        {
            waiting.Client.Dispose();
        }
    }

    /// <summary>The stop's timer at its timeout: gevent's <c>pool.kill</c>, every handler at once (each kill its own hub
    /// callback, so timers still run between them), then at most the kill wait for them to finish.</summary>
    private void KillHandlers()
    {
        if (_state != ServerState.Stopping)
        {
            return;
        }

        KillAllHandlers();
        _stopTimer = _hub!.StartTimer(_killWait, Finish);
    }

    /// <summary>Ends the stop, once: every handler finished, or its time is up.</summary>
    private void Finish()
    {
        if (_state != ServerState.Stopping)
        {
            return;
        }

        _state = ServerState.Stopped;
        _stopTimer?.Cancel();
        _stopTimer = null;
        _stopped.Set();
        _done.TrySetResult();
    }

    /// <summary>In a greenlet of the tree: waits for the stop under way, at most for what is left of its time.</summary>
    private void WaitForStop()
    {
        // This wait's own timer resumes the caller directly, ahead of any backlog of kill callbacks in the hub.
        _stopped.Wait(StopTimeLeft());

        // Woken by its own timer, a moment before the stop's: the time is up either way.
        Finish();
    }

    /// <summary>In async greenlet code of the tree: <see cref="WaitForStop"/>, awaited.</summary>
    private async ValueTask WaitForStopAsync()
    {
        await _stopped.WaitAsync(StopTimeLeft());
        Finish();
    }

    /// <summary>What is left of the stop's time (null: no bound).</summary>
    private TimeSpan? StopTimeLeft()
    {
        if (_stopBudget is not { } budget)
        {
            return null;
        }

        TimeSpan left = budget - Stopwatch.GetElapsedTime(_stopStarted);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
