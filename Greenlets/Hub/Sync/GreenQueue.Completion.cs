using Greenlets.Internal;

namespace Greenlets;

/// <summary>Completion: no more puts; getters drain what is left, then learn that nothing more will come.</summary>
public sealed partial class GreenQueue<T>
{
    // The wake value that tells a waiter the queue was completed; never an item (it is private).
    private static readonly object CompletedSignal = new();

    private volatile bool _completed;

    /// <summary>How one put or get ended; each overload maps it to its own outcome (an exception or a bool).</summary>
    private enum Outcome
    {
        Done,
        TimedOut,
        Completed,
    }

    /// <summary>Gets whether <see cref="Complete"/> was called: no put will succeed again.</summary>
    public bool IsCompleted => _completed;

    /// <summary>Marks the queue complete: no more puts; getters take what is left, then get the completed outcome.</summary>
    /// <remarks>
    /// <para>After it, <see cref="Put(T, TimeSpan?)"/> throws <see cref="GreenQueueCompletedException"/> and
    /// <see cref="TryPut(T)"/> returns false. Items already in the queue (and a channel's hand-overs that
    /// <see cref="TryPut(T)"/> accepted) are still delivered; once none is left, <see cref="Get(TimeSpan?)"/> throws
    /// <see cref="GreenQueueCompletedException"/>, <see cref="TryGet(out T, TimeSpan)"/> returns false and
    /// <see cref="GetConsumingEnumerable"/> ends. Putters waiting for room (or for a channel's getter) when it is called
    /// are refused with <see cref="GreenQueueCompletedException"/>: their items were never put. Calling it again does
    /// nothing.</para>
    /// <para>Callable from any thread: posted into the owning hub, in order with that thread's earlier puts. A put
    /// posted from another thread that arrives after the completion fails in the hub and is reported to
    /// <see cref="Hub.UnhandledException"/>.</para>
    /// </remarks>
    public void Complete()
    {
        if (_binding.Marshal("GreenQueue.Complete", static q => q.Complete(), this))
        {
            return;
        }

        if (_completed)
        {
            return;
        }

        _completed = true;
        if (_getters.Count > 0 || _putters.Count > 0)
        {
            ScheduleUnlock();
        }
    }

    /// <summary>Returns the items as they are taken, waiting cooperatively for each, until the queue is completed and
    /// drained: a <c>foreach</c> consumer (.NET's <c>BlockingCollection.GetConsumingEnumerable</c>).</summary>
    /// <param name="cancellationToken">Ends the enumeration with <see cref="OperationCanceledException"/>.</param>
    /// <returns>A sequence that takes one item per step with <see cref="Get(TimeSpan?)"/>'s rules; it ends (no
    /// exception) once the queue is completed and empty.</returns>
    /// <remarks>Each step is a get by the enumerating greenlet; several greenlets may each enumerate the same queue and
    /// share its items. Use it from the queue's tree only; the checks run at each step.</remarks>
    public IEnumerable<T> GetConsumingEnumerable(CancellationToken cancellationToken = default)
    {
        while (GetOrFail(out T item, null, cancellationToken) == Outcome.Done)
        {
            yield return item;
        }
    }

    /// <summary>After an unlock: refuses the putters left waiting, and tells getters that nothing is left that the queue is over.</summary>
    private void ReleaseIfCompleted()
    {
        if (!_completed)
        {
            return;
        }

        // Hand-overs (over from the start) were accepted by TryPut and stay for the getters; real putters are refused.
        List<HubWaiter>? refused = null;
        for (HubWaiter? putter = _putters.First; putter is not null; putter = _putters.Next(putter))
        {
            if (!putter.IsOver)
            {
                (refused ??= []).Add(putter);
            }
        }

        if (refused is not null)
        {
            foreach (HubWaiter putter in refused)
            {
                _putters.Remove(putter);
            }

            foreach (HubWaiter putter in refused)
            {
                putter.Resume(CompletedSignal);
            }
        }

        // Each resumed getter runs until it waits again; the conditions are read afresh after each.
        while (_items.Count == 0 && _putters.Count == 0 && _getters.RemoveFirst() is { } getter)
        {
            getter.Resume(CompletedSignal);
        }
    }
}
