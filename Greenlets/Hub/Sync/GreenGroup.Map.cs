namespace Greenlets;

/// <summary>gevent's <c>map</c>, <c>imap</c> and <c>imap_unordered</c>: run a function over a sequence in the group's
/// tasks (at most the pool's size at once) and collect the results.</summary>
public partial class GreenGroup
{
    /// <summary>Runs <paramref name="function"/> on every item in a task of this group and returns the results in the
    /// order of the items: gevent's <c>map</c>.</summary>
    /// <typeparam name="TSource">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="source">The items; enumerated once, by a feeder task, as slots free.</param>
    /// <param name="function">The function.</param>
    /// <returns>One result per item, in item order.</returns>
    /// <remarks>See <see cref="Imap{TSource, TResult}"/>: the first failure in item order is rethrown once every
    /// earlier item is done, and the tasks still running are killed.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="function"/> is null.</exception>
    /// <exception cref="GreenletError">The group belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="Exception">The first failure of <paramref name="function"/> (in item order), or of enumerating <paramref name="source"/>.</exception>
    public IReadOnlyList<TResult> Map<TSource, TResult>(IEnumerable<TSource> source, Func<TSource, TResult> function) => [.. Imap(source, function)];

    /// <summary>Runs <paramref name="function"/> on every item in a task of this group, yielding the results in item
    /// order as they become available: gevent's <c>imap</c>.</summary>
    /// <typeparam name="TSource">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="source">The items; enumerated once, by a feeder task, as slots free.</param>
    /// <param name="function">The function.</param>
    /// <returns>The results in item order; each step waits cooperatively for the next one.</returns>
    /// <remarks><para>A pool runs at most <see cref="GreenPool.Size"/> functions at once (the feeder waits for a slot
    /// before each spawn); a plain group runs them all at once. A result that is ready before the earlier ones waits
    /// for them. A failure is rethrown, with its original stack trace, at its turn in item order.</para>
    /// <para>Unlike gevent, which leaves them running, ending the enumeration early (a failure, <c>break</c>,
    /// disposing the enumerator) kills the feeder and every task it spawned that is still running, so no greenlet
    /// outlives the loop that wanted its result.</para></remarks>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="function"/> is null.</exception>
    /// <exception cref="GreenletError">The group belongs to another thread's hub (at the first step).</exception>
    public IEnumerable<TResult> Imap<TSource, TResult>(IEnumerable<TSource> source, Func<TSource, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(function);
        return MapCore(source, function, ordered: true);
    }

    /// <summary>Runs <paramref name="function"/> on every item in a task of this group, yielding each result as soon
    /// as its task finishes: gevent's <c>imap_unordered</c>.</summary>
    /// <typeparam name="TSource">The item type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="source">The items; enumerated once, by a feeder task, as slots free.</param>
    /// <param name="function">The function.</param>
    /// <returns>The results in the order the tasks finished.</returns>
    /// <remarks>Concurrency and early ends as for <see cref="Imap{TSource, TResult}"/>; a failure is rethrown when its
    /// task is the next to finish.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="function"/> is null.</exception>
    /// <exception cref="GreenletError">The group belongs to another thread's hub (at the first step).</exception>
    public IEnumerable<TResult> ImapUnordered<TSource, TResult>(IEnumerable<TSource> source, Func<TSource, TResult> function)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(function);
        return MapCore(source, function, ordered: false);
    }

    private IEnumerable<TResult> MapCore<TSource, TResult>(IEnumerable<TSource> source, Func<TSource, TResult> function, bool ordered)
    {
        Binding.Enter("GreenGroup.Imap");

        // Before the feeder exists: from the hub itself the first wait would fail with the feeder already spawned.
        Hub.Current.CheckCanBlock();

        // Finished tasks in the order they finished; a null task is the feeder's end (all spawned, or it failed).
        var finished = new GreenQueue<(int Index, GreenTask<TResult>? Task)>();
        var running = new Dictionary<GreenTask, int>();
        int spawned = 0;
        void OnFinished(GreenTask done)
        {
            if (running.Remove(done, out int index))
            {
                finished.TryPut((index, (GreenTask<TResult>)done));
            }
        }

        GreenTask feeder = Hub.Spawn(() =>
        {
            foreach (TSource item in source)
            {
                GreenTask<TResult> task = Spawn(() => function(item));

                // Counted only once spawned: a feeder killed while it waits for a slot leaves no result owed.
                running.Add(task, spawned++);
                task.Link(OnFinished);
            }
        });
        feeder.Name = "imap feeder";
        feeder.Link(_ => finished.TryPut((-1, null)));
        var early = new Dictionary<int, GreenTask<TResult>>();
        int taken = 0;
        int next = 0;
        bool fed = false;
        try
        {
            while (!fed || taken < spawned)
            {
                (int index, GreenTask<TResult>? task) = finished.Get();
                if (task is null)
                {
                    fed = true;
                    if (feeder.Exception is not null)
                    {
                        feeder.Get();
                    }

                    continue;
                }

                taken++;
                if (!ordered)
                {
                    yield return task.Get();
                    continue;
                }

                early.Add(index, task);
                while (early.Remove(next, out GreenTask<TResult>? turn))
                {
                    next++;
                    yield return turn.Get();
                }
            }
        }
        finally
        {
            feeder.Kill();
            if (running.Count > 0)
            {
                Hub.KillAll([.. running.Keys]);
            }
        }
    }
}
