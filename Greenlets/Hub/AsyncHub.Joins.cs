using Greenlets.Internal;

namespace Greenlets;

public sealed partial class AsyncHub
{
    /// <summary>Waits until every task finishes: gevent's <c>joinall</c>.</summary>
    /// <param name="tasks">The tasks.</param>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <param name="throwOnError">Whether to rethrow the first failure to occur (in time, not in list order) at once.</param>
    /// <returns>True when all finished; false when the timeout passed first (no exception).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tasks"/> is null or holds null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">A task belongs to another flow's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever finish the tasks.</exception>
    /// <exception cref="Exception">With <paramref name="throwOnError"/>, the first failure.</exception>
    public static ValueTask<bool> JoinAllAsync(IEnumerable<AsyncGreenTask> tasks, TimeSpan? timeout = null, bool throwOnError = false)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        HubTimeouts.Check(timeout, nameof(timeout));
        AsyncGreenTask[] all = [.. tasks];
        if (all.Length == 0)
        {
            return new ValueTask<bool>(true);
        }

        AsyncHub hub = Current;
        CheckTasks(hub, all, "AsyncHub.JoinAllAsync");
        return hub.JoinAllCoreAsync(all, hub.CheckCanBlock(), timeout, throwOnError);
    }

    /// <summary>Kills every task: gevent's <c>killall</c>. Tasks that have not started yet never run.</summary>
    /// <param name="tasks">The tasks.</param>
    /// <param name="exception">The exception to raise in each, or null for a new <see cref="GreenletExit"/> each.</param>
    /// <param name="block">Whether to wait until they have all finished.</param>
    /// <param name="timeout">The longest wait when blocking, or null for no limit.</param>
    /// <returns>A task that completes when the kills are done (blocking: when every task finished).</returns>
    /// <remarks>As in gevent, tasks not started are killed at once; the others get the exception from one hub callback,
    /// in order, and a blocking call then waits for those that survived it.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="tasks"/> is null or holds null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">A task belongs to another flow's hub.</exception>
    /// <exception cref="InvalidOperationException">Blocking, from the hub itself.</exception>
    /// <exception cref="GreenTimeoutException">Blocking, the timeout passed before every task finished.</exception>
    public static ValueTask KillAllAsync(IEnumerable<AsyncGreenTask> tasks, Exception? exception = null, bool block = true, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        HubTimeouts.Check(timeout, nameof(timeout));
        AsyncGreenTask[] all = [.. tasks];
        AsyncHub hub = Current;
        CheckTasks(hub, all, "AsyncHub.KillAllAsync");
        AsyncGreenlet current = AsyncGreenlet.Current;
        if (block && current == hub)
        {
            throw new InvalidOperationException("Impossible to call a blocking function in the hub (a hub callback or timer).");
        }

        List<AsyncGreenTask> running = [];
        foreach (AsyncGreenTask task in all)
        {
            if (!task.KillIfNotStarted(exception ?? new GreenletExit()))
            {
                running.Add(task);
            }
        }

        if (running.Count == 0)
        {
            return default;
        }

        HubWaiter? killer = block ? new HubWaiter(hub, current, "AsyncHub.KillAllAsync") : null;
        List<AsyncGreenTask> survivors = [];
        hub.ScheduleAsync(async () =>
        {
            foreach (AsyncGreenTask task in running)
            {
                await task.ThrowFromHubAsync(exception ?? new GreenletExit());
                if (!task.IsReady)
                {
                    survivors.Add(task);
                }
            }

            killer?.Resume(null);
            return null;
        });
        return killer is null ? default : KillWaitAsync(killer, survivors, timeout);
    }

    /// <summary>Runs the loop until nothing is left to do: gevent's <c>wait()</c> without objects.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>True when nothing was left (greenlets blocked forever do not count), false when the timeout passed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    public static ValueTask<bool> WaitAllAsync(TimeSpan? timeout = null) => Current.DrainAsync(HubTimeouts.Check(timeout, nameof(timeout)));

    private static void CheckTasks(AsyncHub hub, AsyncGreenTask[] tasks, string member)
    {
        foreach (AsyncGreenTask task in tasks)
        {
            ArgumentNullException.ThrowIfNull(task, nameof(tasks));
            if (task.Hub != hub)
            {
                throw new GreenletError($"{member}: {task} belongs to another flow's async hub; join or kill it in its own tree.");
            }
        }
    }

    private static async ValueTask KillWaitAsync(HubWaiter killer, List<AsyncGreenTask> survivors, TimeSpan? timeout)
    {
        using var limit = new GreenTimeout(timeout ?? Timeout.InfiniteTimeSpan);
        try
        {
            await killer.ParkAsync();
            if (survivors.Count > 0)
            {
                await JoinAllAsync(survivors);
            }
        }
        catch (GreenTimeoutException e) when (e.Timeout == limit)
        {
            throw new GreenTimeoutException($"KillAllAsync: some tasks did not finish within {timeout}.");
        }
    }

    private async ValueTask<bool> JoinAllCoreAsync(AsyncGreenTask[] all, AsyncGreenlet current, TimeSpan? timeout, bool throwOnError)
    {
        var join = new HubJoinAll<AsyncGreenTask>(
            all, static (t, l) => t.AddRawLink(l), static (t, l) => t.RemoveRawLink(l), static t => t.Exception, this, timeout, throwOnError);
        try
        {
            while (!join.AllDone)
            {
                if (join.WaiterToPark(() => new HubWaiter(this, current, "AsyncHub.JoinAllAsync")) is { } parked)
                {
                    try
                    {
                        await parked.ParkAsync();
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
}
