using System.Runtime.ExceptionServices;
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
    public static bool JoinAll(IEnumerable<GreenTask> tasks, TimeSpan? timeout = null, bool throwOnError = false)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        HubTimeouts.Check(timeout, nameof(timeout));
        GreenTask[] all = [.. tasks];
        CheckOnTree(all, "Hub.JoinAll");
        if (throwOnError && Array.Find(all, t => t.IsReady && !t.IsSuccessful) is { } failedAlready)
        {
            ExceptionDispatchInfo.Throw(failedAlready.Exception!);
        }

        int remaining = all.Count(t => !t.IsReady);
        if (remaining == 0)
        {
            return true;
        }

        Hub hub = Current;
        var waiter = new HubWaiter(hub, hub.CheckCanBlock(), "Hub.JoinAll");
        GreenTask? firstFailure = null;
        Action<GreenTask> link = task =>
        {
            remaining--;
            if (throwOnError && !task.IsSuccessful)
            {
                firstFailure ??= task;
                waiter.Wake(null);
            }
            else if (remaining == 0)
            {
                waiter.Wake(null);
            }
        };
        foreach (GreenTask task in all)
        {
            task.AddRawLink(link);
        }

        try
        {
            hub.Block(waiter, timeout);
        }
        finally
        {
            foreach (GreenTask task in all)
            {
                task.RemoveRawLink(link);
            }
        }

        if (firstFailure is not null)
        {
            ExceptionDispatchInfo.Throw(firstFailure.Exception!);
        }

        return remaining == 0;
    }

    /// <summary>Kills every task: gevent's <c>killall</c>. Tasks that have not started yet never run.</summary>
    /// <param name="tasks">The tasks.</param>
    /// <param name="exception">The exception to raise in each, or null for a new <see cref="GreenletExit"/> each.</param>
    /// <param name="block">Whether to wait until they have all finished.</param>
    /// <param name="timeout">The longest wait when blocking, or null for no limit.</param>
    /// <remarks>Not blocking, tasks of other threads' hubs may be killed too: each kill is posted into its hub.</remarks>
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
            task.Kill(exception ?? new GreenletExit(), block: false);
        }

        if (block && !JoinAll(all, timeout))
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
