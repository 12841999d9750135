using System.Diagnostics;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>A FIFO queue greenlets can wait on: gevent's (joinable) <c>Queue</c>, and with <c>maxSize: 0</c> its <c>Channel</c>.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>
/// <para><c>maxSize</c> null: unbounded. A positive <c>maxSize</c>: <see cref="Put(T, TimeSpan?)"/> waits while the queue is full.
/// <c>maxSize: 0</c>: a rendezvous channel with no buffer: <see cref="Put(T, TimeSpan?)"/> waits until a getter takes the item.</para>
/// <para>Blocked getters and putters are served in FIFO order by one hub callback, as in gevent: an item put while a
/// getter waits is counted (and fills the queue) at once, and the getter takes it when the putter next waits; a
/// channel's <see cref="Put(T, TimeSpan?)"/> returns after its getter has run. Every <see cref="Put(T, TimeSpan?)"/> adds an unfinished task that
/// <see cref="TaskDone"/> completes; <see cref="Join(TimeSpan?)"/> waits until none is left. Use a queue from one tree only.</para>
/// </remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "The name is part of the API contract (gevent's Queue).")]
public sealed partial class GreenQueue<T>
{
    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"GreenQueue<{typeof(T).Name}> Count={Count} MaxSize={MaxSize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} getters={_getters.Count} putters={_putters.Count}";

    private readonly HubBinding _binding = new();
    private readonly Queue<T> _items = new();
    private readonly HubWaiter.WaitQueue _getters = new();
    private readonly HubWaiter.WaitQueue _putters = new();
    private readonly GreenEvent _allDone = new();
    private readonly Action _unlock;
    private readonly Action<HubWaiter> _giveBack;
    private IWaitHub? _hub;
    private bool _unlockScheduled;

    // Where a yielded unlock (async hub) continues: a queue's getter check of the same round, a channel's putter resume.
    private bool _getterTurn;
    private HubWaiter? _handedOver;
    private int _unfinished;

    /// <summary>Creates a queue.</summary>
    /// <param name="maxSize">Null for unbounded, 0 for a rendezvous channel, else the capacity.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSize"/> is negative.</exception>
    public GreenQueue(int? maxSize = null)
    {
        if (maxSize is { } size)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(size, nameof(maxSize));
        }

        MaxSize = maxSize;
        _unlock = MaxSize == 0 ? UnlockChannel : UnlockQueue;
        _giveBack = GiveBack;
        _allDone.Set();
    }

    /// <summary>Gets the capacity: null for unbounded, 0 for a rendezvous channel.</summary>
    public int? MaxSize { get; }

    /// <summary>Gets the number of items buffered (always 0 for a channel).</summary>
    public int Count => _items.Count;

    /// <summary>Gets the number of items put and not yet marked done by <see cref="TaskDone"/>.</summary>
    public int UnfinishedTasks => _unfinished;

    private bool HasRoom => MaxSize is null || _items.Count < MaxSize;

    /// <summary>Puts an item, waiting cooperatively while the queue is full (for a channel: until a getter takes it).</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <remarks>On an unbounded queue, callable from any thread: posted into the owning hub, which wakes at once.</remarks>
    /// <exception cref="GreenTimeoutException">The timeout passed while the queue stayed full (exactly this type, as
    /// before completion existed; <see cref="TryPut(T, TimeSpan)"/> reports it as false instead).</exception>
    /// <exception cref="GreenQueueCompletedException"><see cref="Complete"/> was called.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The queue is bounded and belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is full.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever take an item.</exception>
    public void Put(T item, TimeSpan? timeout = null) => PutCore(item, timeout, default);

    /// <summary>Takes the first item, waiting cooperatively while the queue is empty.</summary>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <returns>The item.</returns>
    /// <exception cref="GreenTimeoutException">The timeout passed while the queue stayed empty (exactly this type;
    /// <see cref="TryGet(out T, TimeSpan)"/> reports it as false instead).</exception>
    /// <exception cref="GreenQueueCompletedException">The queue is completed and every item was taken.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The queue belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is empty.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever put an item.</exception>
    public T Get(TimeSpan? timeout = null) => GetCore(timeout, default);

    /// <summary>Puts an item if that needs no waiting: there is room (for a channel: a getter waits).</summary>
    /// <param name="item">The item.</param>
    /// <returns>True when the item was put.</returns>
    /// <remarks>The item is counted at once and a waiting getter is woken through the hub, as in gevent: the getter
    /// runs when the caller next waits. On a channel the item is handed to the first waiting getter then. On an
    /// unbounded queue, callable from any thread: posted into the owning hub, and always true.</remarks>
    /// <exception cref="GreenletError">The queue is bounded and belongs to another thread's hub.</exception>
    public bool TryPut(T item)
    {
        if (MaxSize is null && !_completed && _binding.Marshal("GreenQueue.TryPut", static s => s.Queue.Put(s.Item), (Queue: this, Item: item)))
        {
            return true;
        }

        _binding.Enter("GreenQueue.TryPut");
        if (_completed)
        {
            return false;
        }

        if (MaxSize == 0)
        {
            if (_getters.Count == 0)
            {
                return false;
            }

            // A hand-over with no putter to resume afterwards.
            _putters.AddLast(HubWaiter.HandOver(_hub!, _hub!.CurrentParty, "GreenQueue.TryPut", item));
            ScheduleUnlock();
            return true;
        }

        if (!HasRoom)
        {
            return false;
        }

        Enqueue(item);
        if (_getters.Count > 0)
        {
            ScheduleUnlock();
        }

        return true;
    }

    /// <summary>Takes the first item if that needs no waiting.</summary>
    /// <param name="item">The item, or the default when none was available.</param>
    /// <returns>True when an item was taken.</returns>
    /// <remarks>A putter waiting for room (or, on a channel, for this hand-over) is resumed through the hub.</remarks>
    /// <exception cref="GreenletError">The queue belongs to another thread's hub.</exception>
    public bool TryGet(out T item)
    {
        _binding.Enter("GreenQueue.TryGet");
        if (MaxSize == 0)
        {
            if (_putters.RemoveFirst() is { } putter)
            {
                item = (T)putter.Payload!;
                _unfinished++;
                _allDone.Clear();

                // gevent: the putter resumes from a callback of its own, after the greenlets ready now.
                putter.Wake(null);
                return true;
            }

            item = default!;
            return false;
        }

        if (_items.TryDequeue(out item!))
        {
            if (_putters.Count > 0)
            {
                ScheduleUnlock();
            }

            return true;
        }

        item = default!;
        return false;
    }

    /// <summary>Marks one item taken with <see cref="Get(TimeSpan?)"/> as processed.</summary>
    /// <exception cref="GreenletError">The queue belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called more times than items were put.</exception>
    public void TaskDone()
    {
        _binding.Enter("GreenQueue.TaskDone");
        if (_unfinished <= 0)
        {
            throw new InvalidOperationException("TaskDone() called too many times.");
        }

        if (--_unfinished == 0)
        {
            _allDone.Set();
        }
    }

    /// <summary>Waits cooperatively until every item put has been marked done with <see cref="TaskDone"/>.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>True when no unfinished item is left; false when the timeout passed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The queue belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever finish the items.</exception>
    public bool Join(TimeSpan? timeout = null) => JoinCore(timeout, default);

    private bool JoinCore(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.Enter("GreenQueue.Join");
        return _allDone.Wait(timeout, "GreenQueue.Join", cancellationToken);
    }

    /// <summary>The one put of thread code: every overload maps its outcome (an exception or a bool).</summary>
    private Outcome PutOrFail(T item, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        cancellationToken.ThrowIfCancellationRequested();
        if (MaxSize is null && !_completed && _binding.Marshal("GreenQueue.Put", static s => s.Queue.Put(s.Item), (Queue: this, Item: item)))
        {
            return Outcome.Done;
        }

        _binding.Enter("GreenQueue.Put");
        return BeginPut(item, timeout, async: false, out HubWaiter? waiter) is { } outcome ? outcome
            : EndPut(waiter!, waiter!.Park(timeout, cancellationToken: cancellationToken));
    }

    /// <summary>The half of a put both hubs share before parking: the outcome when it needs no waiting, else null and
    /// the putter linked (with the hand-over to a waiting getter scheduled), to park.</summary>
    private Outcome? BeginPut(T item, TimeSpan? timeout, bool async, out HubWaiter? waiter)
    {
        waiter = null;
        if (_completed)
        {
            return Outcome.Completed;
        }

        if (MaxSize != 0 && TryPut(item))
        {
            return Outcome.Done;
        }

        // A channel's put always waits for the getter to run (gevent): with TimeSpan.Zero, only when a getter waits.
        if (timeout == TimeSpan.Zero && (MaxSize != 0 || _getters.Count == 0))
        {
            return Outcome.TimedOut;
        }

        waiter = (async ? HubWaiter.BeginEither("GreenQueue.PutAsync", item) : HubWaiter.Begin("GreenQueue.Put", item)).Enqueue(_putters);
        _hub ??= waiter.Hub;
        if (_getters.Count > 0)
        {
            ScheduleUnlock();
        }

        return null;
    }

    /// <summary>What a parked put ends with: woken with the item in, or by the completion, or timed out.</summary>
    private static Outcome EndPut(HubWaiter waiter, bool woken) =>
        !woken ? Outcome.TimedOut : ReferenceEquals(waiter.Value, CompletedSignal) ? Outcome.Completed : Outcome.Done;

    /// <summary>The one get of thread code: every overload (and the consuming enumeration) maps its outcome.</summary>
    private Outcome GetOrFail(out T item, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.Enter("GreenQueue.Get");
        cancellationToken.ThrowIfCancellationRequested();
        if (BeginGet(out item, timeout, async: false, out HubWaiter? waiter) is { } outcome)
        {
            return outcome;
        }

        return EndGet(waiter!, waiter!.Park(timeout, giveBack: _giveBack, cancellationToken: cancellationToken), out item);
    }

    /// <summary>The half of a get both hubs share before parking: the outcome when it needs no waiting (with the item
    /// when done), else null and the getter linked (with a waiting putter's hand-over scheduled), to park.</summary>
    private Outcome? BeginGet(out T item, TimeSpan? timeout, bool async, out HubWaiter? waiter)
    {
        waiter = null;
        if (MaxSize != 0 && TryGet(out item))
        {
            return Outcome.Done;
        }

        item = default!;

        // Completed and drained: nothing can come (a channel's only items are hand-overs a TryPut made before).
        if (_completed && _items.Count == 0 && _putters.Count == 0)
        {
            return Outcome.Completed;
        }

        // A channel's get always waits for the putter's hand-over (gevent): with TimeSpan.Zero, only when a putter waits.
        if (timeout == TimeSpan.Zero && (MaxSize != 0 || _putters.Count == 0))
        {
            return Outcome.TimedOut;
        }

        waiter = (async ? HubWaiter.BeginEither("GreenQueue.GetAsync") : HubWaiter.Begin("GreenQueue.Get")).Enqueue(_getters);
        _hub ??= waiter.Hub;
        if (_putters.Count > 0)
        {
            ScheduleUnlock();
        }

        return null;
    }

    /// <summary>What a parked get ends with: the item (a queue's getter takes it itself, now that it runs; a channel's
    /// was handed over), the completion, or the timeout.</summary>
    private Outcome EndGet(HubWaiter waiter, bool woken, out T item)
    {
        item = default!;
        if (!woken)
        {
            return Outcome.TimedOut;
        }

        if (ReferenceEquals(waiter.Value, CompletedSignal))
        {
            return Outcome.Completed;
        }

        item = MaxSize == 0 ? (T)waiter.Value! : _items.Dequeue();
        return Outcome.Done;
    }

    private void PutCore(T item, TimeSpan? timeout, CancellationToken cancellationToken) => ThrowUnlessDone(PutOrFail(item, timeout, cancellationToken), timeout, put: true);

    private T GetCore(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ThrowUnlessDone(GetOrFail(out T item, timeout, cancellationToken), timeout, put: false);
        return item;
    }

    /// <summary>Maps a put's or get's outcome to the exception of the throwing overloads (both hubs).</summary>
    private static void ThrowUnlessDone(Outcome outcome, TimeSpan? timeout, bool put)
    {
        switch (outcome)
        {
            case Outcome.TimedOut:
                throw new GreenTimeoutException(
                    timeout == TimeSpan.Zero ? (put ? "The queue is full." : "The queue is empty.")
                    : $"The queue stayed {(put ? "full" : "empty")} for {timeout}.");
            case Outcome.Completed:
                throw new GreenQueueCompletedException(put ? "GreenQueue.Put: the queue is completed." : "GreenQueue.Get: the queue is completed and drained.");
        }
    }

    private void Enqueue(T item)
    {
        _items.Enqueue(item);
        _unfinished++;
        _allDone.Clear();
    }

    /// <summary>Schedules the one hub callback that matches waiting putters and getters (gevent's <c>_unlock</c>).</summary>
    private void ScheduleUnlock()
    {
        if (_unlockScheduled || _hub is null)
        {
            return;
        }

        _unlockScheduled = true;
        _hub.Schedule(_unlock);
    }

    // gevent's Queue._unlock: lets a putter in while there is room, then a getter take an item while there is one;
    // each is switched into and runs until it waits again.
    // On an async hub, which resumes a waiter only after the current callback, the unlock stops after each resume
    // and continues (IWaitHub.RunNext) once that waiter ran: each check sees what the woken greenlet did, as here.
    private void UnlockQueue()
    {
        bool yielded = false;
        try
        {
            bool again = true;
            while (again)
            {
                again = false;
                if (!_getterTurn && _putters.First is { } putter && HasRoom)
                {
                    again = true;
                    _putters.RemoveFirst();
                    Enqueue((T)putter.Payload!);
                    _getterTurn = true;
                    if (putter.Resume(null) && (yielded = YieldUnlock()))
                    {
                        return;
                    }
                }

                _getterTurn = false;
                if (_getters.First is { } getter && _items.Count > 0)
                {
                    again = true;
                    _getters.RemoveFirst();
                    if (getter.Resume(null) && (yielded = YieldUnlock()))
                    {
                        return;
                    }
                }
            }

            ReleaseIfCompleted();
        }
        finally
        {
            if (!yielded)
            {
                _getterTurn = false;
                _unlockScheduled = false;
            }
        }
    }

    /// <summary>On a hub that does not resume inline: continues the unlock after the waiter just resumed (true).</summary>
    private bool YieldUnlock()
    {
        if (_hub!.ResumesInline)
        {
            return false;
        }

        _hub.RunNext(_unlock);
        return true;
    }

    // gevent's Channel._unlock: hands each waiting putter's item to a waiting getter; the getter runs first.
    private void UnlockChannel()
    {
        bool yielded = false;
        try
        {
            while (true)
            {
                if (_handedOver is { } giver)
                {
                    // The getter of this hand-over ran: now its putter.
                    _handedOver = null;
                    if (giver.Resume(null) && (yielded = YieldUnlock()))
                    {
                        return;
                    }
                }

                if (_putters.First is not { } putter || _getters.First is not { } getter)
                {
                    break;
                }

                _getters.RemoveFirst();
                _putters.RemoveFirst();
                _unfinished++;
                _allDone.Clear();
                _handedOver = putter;
                if (getter.Resume(putter.Payload) && (yielded = YieldUnlock()))
                {
                    return;
                }
            }

            ReleaseIfCompleted();
        }
        finally
        {
            if (!yielded)
            {
                _unlockScheduled = false;
            }
        }
    }

    /// <summary>A getter was killed after its turn came, before it ran: a queue lets the next getter take the item it
    /// left; a channel puts the item it was handed back at the head of the putters, for the next getter.</summary>
    private void GiveBack(HubWaiter getter)
    {
        if (ReferenceEquals(getter.Value, CompletedSignal))
        {
            // It was told the queue is over: nothing was handed to it.
            return;
        }

        if (MaxSize == 0)
        {
            // The hand-over counted the item as taken; the next one counts it again.
            _putters.AddFirst(HubWaiter.HandOver(getter.Hub, getter.Party, "GreenQueue.Put", getter.Value));
            if (--_unfinished == 0)
            {
                _allDone.Set();
            }
        }

        if (_getters.Count > 0 && (_items.Count > 0 || _putters.Count > 0))
        {
            ScheduleUnlock();
        }
    }
}
