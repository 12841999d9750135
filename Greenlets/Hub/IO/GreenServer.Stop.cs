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
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite (nothing
    /// is stopped).</exception>
    public void Stop(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        TimeSpan span = timeout ?? DefaultStopTimeout;
        Hub? hub;
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
            return;
        }

        if (!HubBinding.IsOnTree(hub))
        {
            StopFromOtherThread(hub, span);
            return;
        }

        Greenlet current = Greenlet.Current;
        BeginStop(span, current as GreenTask);
        if (_state == ServerState.Stopping && current != hub)
        {
            WaitForStop();
        }
    }

    private void StopFromOtherThread(Hub hub, TimeSpan span)
    {
        if (_done.Task.IsCompleted)
        {
            return;
        }

        if (!hub.TryPost(() => BeginStop(span, caller: null)))
        {
            // The hub's HubThread has finished: none of the server's greenlets runs again; only the listener is left.
            _listener?.Dispose();
            return;
        }

        _done.Task.GetAwaiter().GetResult();
    }

    /// <summary>In the hub's tree (a greenlet or a hub callback): starts the stop unless it is under way, and lets a
    /// handler that stops its own server out of the group. Never waits.</summary>
    private void BeginStop(TimeSpan span, GreenTask? caller)
    {
        if (caller is not null && caller != _acceptor && _handlers.Contains(caller))
        {
            _handlers.Discard(caller);
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
            if (_acceptor != caller)
            {
                _acceptor!.Kill(block: false);
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

        _handlers.Kill(block: false);
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
        TimeSpan? remaining = null;
        if (_stopBudget is { } budget)
        {
            TimeSpan left = budget - Stopwatch.GetElapsedTime(_stopStarted);
            remaining = left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }

        // This wait's own timer resumes the caller directly, ahead of any backlog of kill callbacks in the hub.
        _stopped.Wait(remaining);

        // Woken by its own timer, a moment before the stop's: the time is up either way.
        Finish();
    }
}
