using Greenlets.Internal;

namespace Greenlets;

public sealed partial class Hub
{
    /// <summary>Waits until every task finishes: gevent's <c>joinall</c>.</summary>
    /// <param name="tasks">The tasks.</param>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <param name="throwOnError">Whether to rethrow the first failure to occur (in time, not in list order) at once.</param>
    /// <returns>True when all finished; false when the timeout passed first (no exception).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tasks"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">A task belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever finish the tasks.</exception>
    /// <exception cref="Exception">With <paramref name="throwOnError"/>, the first failure.</exception>
    public static bool JoinAll(IEnumerable<GreenTask> tasks, TimeSpan? timeout = null, bool throwOnError = false) => JoinAllCore(tasks, timeout, throwOnError, default);

    private static bool JoinAllCore(IEnumerable<GreenTask> tasks, TimeSpan? timeout, bool throwOnError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        HubTimeouts.Check(timeout, nameof(timeout));
        GreenTask[] all = [.. tasks];
        if (all.Length == 0)
        {
            return true;
        }

        Hub hub = Current;
        foreach (GreenTask task in all)
        {
            ArgumentNullException.ThrowIfNull(task, nameof(tasks));
            task.Hub.CheckOwnTree("Hub.JoinAll");
        }

        Greenlet current = hub.CheckCanBlock();
        cancellationToken.ThrowIfCancellationRequested();

        var join = new HubJoinAll<GreenTask>(
            all, static (t, l) => t.AddRawLink(l), static (t, l) => t.RemoveRawLink(l), static t => t.Exception, hub, timeout, throwOnError);
        try
        {
            while (!join.AllDone)
            {
                if (join.WaiterToPark(() => new HubWaiter(hub, current, "Hub.JoinAll")) is { } parked)
                {
                    try
                    {
                        parked.Park(cancellationToken: cancellationToken);
                    }
                    finally
                    {
                        join.Unparked();
                    }
                }

                if (!join.TakeNext())
                {
                    break;
                }
            }
        }
        finally
        {
            join.End();
        }

        return join.AllDone;
    }

    /// <summary>Kills every task: gevent's <c>killall</c>. Tasks that have not started yet never run.</summary>
    /// <param name="tasks">The tasks.</param>
    /// <param name="exception">The exception to raise in each, or null for a new <see cref="GreenletExit"/> each.</param>
    /// <param name="block">Whether to wait until they have all finished.</param>
    /// <param name="timeout">The longest wait when blocking, or null for no limit.</param>
    /// <remarks>As in gevent, tasks not started are killed at once; the others get the exception from one hub callback,
    /// in order, and a blocking call then waits for those that survived it. Not blocking, tasks of other threads'
    /// hubs may be killed too: each kill is posted into its hub.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="tasks"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">Blocking, and a task belongs to another thread's hub.</exception>
    /// <exception cref="GreenTimeoutException">Blocking, the timeout passed before every task finished.</exception>
    public static void KillAll(IEnumerable<GreenTask> tasks, Exception? exception = null, bool block = true, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        HubTimeouts.Check(timeout, nameof(timeout));
        GreenTask[] all = [.. tasks];
        if (block)
        {
            CheckOnTree(all, "Hub.KillAll");
        }

        foreach (GreenTask task in all)
        {
            ArgumentNullException.ThrowIfNull(task, nameof(tasks));
            task.Hub.CheckOwnTree("Hub.KillAll");
        }

        Hub hub = Current;
        Greenlet current = Greenlet.Current;
        if (block && current == hub)
        {
            throw new InvalidOperationException("Impossible to call a blocking function in the hub (a hub callback or timer).");
        }

        List<GreenTask> running = [];
        foreach (GreenTask task in all)
        {
            if (!task.KillIfNotStarted(exception ?? new GreenletExit()))
            {
                running.Add(task);
            }
        }

        if (running.Count == 0)
        {
            return;
        }

        HubWaiter? killer = block ? new HubWaiter(hub, current, "Hub.KillAll") : null;
        List<GreenTask> survivors = [];
        hub.Schedule(() =>
        {
            foreach (GreenTask task in running)
            {
                task.ThrowFromHub(exception ?? new GreenletExit());
                if (!task.IsReady)
                {
                    survivors.Add(task);
                }
            }

            killer?.Resume(null);
        });
        if (killer is null)
        {
            return;
        }

        using var limit = new GreenTimeout(timeout ?? System.Threading.Timeout.InfiniteTimeSpan);
        try
        {
            killer.Park();
            if (survivors.Count > 0)
            {
                JoinAll(survivors);
            }
        }
        catch (GreenTimeoutException e) when (e.Timeout == limit)
        {
            throw new GreenTimeoutException($"KillAll: some tasks did not finish within {timeout}.");
        }
    }

    /// <summary>Runs the loop until nothing is left to do: gevent's <c>wait()</c> without objects.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>True when nothing was left (greenlets blocked forever do not count), false when the timeout passed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    public static bool WaitAll(TimeSpan? timeout = null) => Current.Drain(HubTimeouts.Check(timeout, nameof(timeout)));

    private static void CheckOnTree(GreenTask[] tasks, string member)
    {
        foreach (GreenTask task in tasks)
        {
            ArgumentNullException.ThrowIfNull(task, nameof(tasks));
            HubBinding.Check(task.Hub, member);
        }
    }
}
