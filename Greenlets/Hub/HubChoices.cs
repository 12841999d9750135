using System.Diagnostics;

namespace Greenlets.Internal;

/// <summary>How a hub asks its <see cref="IHubChooser"/>, written once over the hub's own entry and timer types so that
/// the thread hub and an async hub share it: the chosen take from a FIFO ready queue, and the pick among timers due at once.</summary>
/// <remarks>One instance per hub holds the candidate buffers; it is only made for a hub that has a chooser.</remarks>
internal sealed class HubChoices(IHubChooser chooser)
{
    private object[] _keys = new object[8];
    private int[] _positions = new int[8];

    public IHubChooser Chooser { get; } = chooser;

    /// <summary>Takes the next entry of <paramref name="ready"/>: an entry at the head that runs no greenlet (a hub
    /// callback) keeps its FIFO place; otherwise the chooser picks among every entry that runs a greenlet, and the
    /// others keep their order.</summary>
    /// <param name="ready">The hub's FIFO ready queue.</param>
    /// <param name="greenletOf">The key of the greenlet an entry would run, or null for an entry that runs none.</param>
    /// <param name="item">The entry taken.</param>
    /// <returns>False when the queue is empty.</returns>
    public bool TryTake<T>(Queue<T> ready, Func<T, object?> greenletOf, out T item)
    {
        if (!ready.TryPeek(out item!))
        {
            return false;
        }

        if (greenletOf(item) is null)
        {
            ready.Dequeue();
            return true;
        }

        int count = 0;
        int position = 0;
        int limit = Math.Max(2, Chooser.CandidateLimit);
        Grow(ready.Count);
        foreach (T candidate in ready)
        {
            if (greenletOf(candidate) is { } key)
            {
                _keys[count] = key;
                _positions[count++] = position;
                if (count == limit)
                {
                    break;
                }
            }

            position++;
        }

        int chosen = count < 2 ? 0 : Chooser.Choose(HubChoiceKind.Ready, _keys.AsSpan(0, count));
        Debug.Assert((uint)chosen < (uint)count, "a chooser returns one of its candidates");
        int take = _positions[chosen];
        Array.Clear(_keys, 0, count);

        if (take == 0)
        {
            // The head (FIFO's pick, the usual case): no rotation, which would cost a pass over the whole queue.
            item = ready.Dequeue();
            return true;
        }

        // Out of the middle of the queue with the others' order kept: the entries before it go round to the back, then
        // the entries after it, so that the queue reads as before minus the chosen one.
        Rotate(ready, take);
        item = ready.Dequeue();
        Rotate(ready, ready.Count - take);
        return true;
    }

    /// <summary>Picks which of the live timers due by now fires next; <paramref name="first"/>, the earliest, is already
    /// out of the heap and goes back into it if another is chosen (which then leaves the heap).</summary>
    /// <param name="timers">The hub's timer heap, by due time then start order.</param>
    /// <param name="first">The earliest due timer, just dequeued.</param>
    /// <param name="firstPriority">Its priority in the heap.</param>
    /// <param name="now">The hub clock's timestamp: timers due by then are candidates.</param>
    /// <param name="isDone">Whether a timer in the heap fired or was cancelled (it waits there until due).</param>
    /// <param name="keyOf">The key of a timer: the greenlet its callback runs, else the callback.</param>
    /// <returns>The timer to fire.</returns>
    public TTimer PickDue<TTimer>(
        PriorityQueue<TTimer, (long Due, long Sequence)> timers,
        TTimer first,
        (long Due, long Sequence) firstPriority,
        long now,
        Func<TTimer, bool> isDone,
        Func<TTimer, object> keyOf)
        where TTimer : class
    {
        List<(TTimer Timer, (long Due, long Sequence) Priority)> due = [(first, firstPriority)];
        foreach ((TTimer timer, (long Due, long Sequence) priority) in timers.UnorderedItems)
        {
            if (priority.Due <= now && !isDone(timer))
            {
                due.Add((timer, priority));
            }
        }

        if (due.Count < 2)
        {
            return first;
        }

        due.Sort(static (a, b) => a.Priority.CompareTo(b.Priority));
        object[] keys = [.. due.Select(d => keyOf(d.Timer))];
        int chosen = Chooser.Choose(HubChoiceKind.Timer, keys);
        Debug.Assert((uint)chosen < (uint)due.Count, "a chooser returns one of its candidates");
        if (chosen == 0)
        {
            return first;
        }

        TTimer pick = due[chosen].Timer;
#if NET9_0_OR_GREATER
        timers.Remove(pick, out _, out _, ReferenceEqualityComparer.Instance);
#else
        // .NET 8's PriorityQueue has no Remove: rebuild it without the pick (a test-only path, several timers due at once).
        var rest = timers.UnorderedItems.Where(t => !ReferenceEquals(t.Element, pick)).ToList();
        timers.Clear();
        timers.EnqueueRange(rest);
#endif
        timers.Enqueue(first, firstPriority);
        return pick;
    }

    private static void Rotate<T>(Queue<T> queue, int count)
    {
        for (int i = 0; i < count; i++)
        {
            queue.Enqueue(queue.Dequeue());
        }
    }

    private void Grow(int size)
    {
        if (_keys.Length < size)
        {
            _keys = new object[Math.Max(size, 2 * _keys.Length)];
            _positions = new int[_keys.Length];
        }
    }
}
