using Greenlets.Internal;

namespace Greenlets;

/// <summary>gevent's <c>wait(objects, timeout, count)</c> and <c>iwait</c>: wait for several things, in the order they
/// turn ready.</summary>
public sealed partial class Hub
{
    /// <summary>Yields each object as it becomes ready, until <paramref name="count"/> were yielded, all were, or the
    /// timeout passes: gevent's <c>iwait</c>.</summary>
    /// <typeparam name="T">The element type: <see cref="GreenTask"/>, <see cref="Task"/>, or <see cref="object"/> to mix kinds.</typeparam>
    /// <param name="objects">What to wait for: <see cref="GreenTask"/>s (ready when finished), <see cref="Task"/>s
    /// (completed), <see cref="GreenEvent"/>s (set) and <see cref="GreenResult{T}"/>s (ready). Read at once.</param>
    /// <param name="timeout">The longest wait for all of them, or null for no limit; when it passes the sequence just ends.</param>
    /// <param name="count">How many to yield at most, or null for all; more than there are means all, as in gevent.</param>
    /// <returns>The objects in the order they turned ready; those ready at the first step come first, in the order given.</returns>
    /// <remarks><para>A failed task is yielded like a successful one (and counts as observed); look at its outcome.
    /// An object listed twice is yielded twice. The waiting happens while the caller enumerates: the links (and, for
    /// events and results, one helper greenlet each) are set up at the first step and removed when the enumeration
    /// ends, however it ends. A pending <see cref="Task"/> keeps the hub alive, as <see cref="Wait(Task)"/> does.</para>
    /// <para>gevent 22.10 treats a negative count as "never enough" (the wait ends in <c>LoopExit</c>); here it is an
    /// <see cref="ArgumentOutOfRangeException"/> before anything waits. A count of 0 yields nothing at once, as there.</para></remarks>
    /// <exception cref="ArgumentNullException"><paramref name="objects"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">An object is of a kind that cannot be waited on.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite, or
    /// <paramref name="count"/> is negative.</exception>
    /// <exception cref="GreenletError">A task or primitive belongs to another thread's hub (at the first step).</exception>
    /// <exception cref="InvalidOperationException">Enumerated from the hub itself.</exception>
    public static IEnumerable<T> Iwait<T>(IEnumerable<T> objects, TimeSpan? timeout = null, int? count = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(objects);
        HubTimeouts.Check(timeout, nameof(timeout));
        if (count is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(count));
        }

        T[] all = [.. objects];
        foreach (T item in all)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(objects));
            if (item is not (GreenTask or Task or IGreenWaitable))
            {
                throw new ArgumentException($"Cannot wait on a {item.GetType().Name}: pass GreenTask, Task, GreenEvent or GreenResult<T> objects.", nameof(objects));
            }
        }

        return IwaitCore(all, timeout, Math.Min(count ?? all.Length, all.Length));
    }

    /// <summary>Waits until <paramref name="count"/> objects (or all) are ready, or the timeout passes, and returns
    /// those that are: gevent's <c>wait(objects, timeout, count)</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="objects">What to wait for; see <see cref="Iwait{T}"/>.</param>
    /// <param name="timeout">The longest wait, or null for no limit; no exception when it passes.</param>
    /// <param name="count">How many to wait for, or null for all.</param>
    /// <returns>The objects that became ready, in the order they did (fewer than asked when the timeout passed).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="objects"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">An object is of a kind that cannot be waited on.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> or <paramref name="count"/> is negative.</exception>
    /// <exception cref="GreenletError">A task or primitive belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    public static IReadOnlyList<T> Wait<T>(IEnumerable<T> objects, TimeSpan? timeout = null, int? count = null)
        where T : class => [.. Iwait(objects, timeout, count)];

    private static IEnumerable<T> IwaitCore<T>(T[] all, TimeSpan? timeout, int limit)
        where T : class
    {
        if (limit == 0)
        {
            yield break;
        }

        Hub hub = Current;
        Greenlet current = hub.CheckCanBlock();
        foreach (T item in all)
        {
            switch (item)
            {
                case GreenTask task:
                    task.Hub.CheckOwnTree("Hub.Iwait");
                    break;
                case IGreenWaitable waitable:
                    waitable.Bind("Hub.Iwait");
                    break;
            }
        }

        var ready = new Queue<T>();
        HubWaiter? parked = null;
        bool over = false;
        bool timedOut = false;
        int pendingTasks = 0;
        var links = new List<(GreenTask Task, Action<GreenTask> Link)>();
        var helpers = new List<GreenTask>();
        void Report(T item)
        {
            if (over)
            {
                return;
            }

            ready.Enqueue(item);
            parked?.Resume(null);
        }

        HubTimer? timer = null;
        try
        {
            foreach (T item in all)
            {
                switch (item)
                {
                    case GreenTask task:
                        Action<GreenTask> link = _ => Report(item);
                        task.AddRawLink(link);
                        links.Add((task, link));
                        break;
                    case Task task when task.IsCompleted:
                        ready.Enqueue(item);
                        break;
                    case Task task:
                        pendingTasks++;
                        ((IWaitHub)hub).AddExternalWake(1);
                        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => hub.Post(() =>
                        {
                            if (!over)
                            {
                                pendingTasks--;
                                ((IWaitHub)hub).AddExternalWake(-1);
                                Report(item);
                            }
                        }));
                        break;
                    case IGreenWaitable waitable:
                        GreenTask helper = Spawn(() =>
                        {
                            waitable.Wait(null);
                            Report(item);
                        });
                        helper.Name = "iwait helper";
                        helpers.Add(helper);
                        break;
                }
            }

            if (!HubTimeouts.IsInfinite(timeout))
            {
                timer = hub.StartTimer(timeout!.Value, () =>
                {
                    timedOut = true;
                    parked?.Resume(null);
                });
            }

            int yielded = 0;
            while (yielded < limit)
            {
                if (ready.Count == 0)
                {
                    parked = new HubWaiter(hub, current, "Hub.Iwait");
                    try
                    {
                        parked.Park();
                    }
                    finally
                    {
                        parked = null;
                    }
                }

                if (ready.Count == 0 && timedOut)
                {
                    yield break;
                }

                if (ready.Count > 0)
                {
                    yielded++;
                    yield return ready.Dequeue();
                }
            }
        }
        finally
        {
            over = true;
            timer?.Cancel();
            ((IWaitHub)hub).AddExternalWake(-pendingTasks);
            foreach ((GreenTask task, Action<GreenTask> link) in links)
            {
                task.RemoveRawLink(link);
            }

            if (helpers.Count > 0)
            {
                KillAll(helpers, block: false);
            }
        }
    }
}
