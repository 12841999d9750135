using System.Diagnostics;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>A FIFO queue greenlets can wait on: gevent's (joinable) <c>Queue</c>, and with <c>maxSize: 0</c> its <c>Channel</c>.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>
/// <para><c>maxSize</c> null: unbounded. A positive <c>maxSize</c>: <see cref="Put"/> waits while the queue is full.
/// <c>maxSize: 0</c>: a rendezvous channel with no buffer: <see cref="Put"/> waits until a getter takes the item.</para>
/// <para>Blocked getters and putters are served in FIFO order. Every <see cref="Put"/> adds an unfinished task that
/// <see cref="TaskDone"/> completes; <see cref="Join"/> waits until none is left. Use a queue from one tree only.</para>
/// </remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "The name is part of the API contract (gevent's Queue).")]
public sealed class GreenQueue<T>
{
    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"GreenQueue<{typeof(T).Name}> Count={Count} MaxSize={MaxSize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} getters={_getters.Count} putters={_putters.Count}";

    private readonly HubBinding _binding = new();
    private readonly Queue<T> _items = new();
    private readonly WaitList _getters = new();
    private readonly WaitList _putters = new();
    private readonly WaitList _joiners = new();
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
    }

    /// <summary>Gets the capacity: null for unbounded, 0 for a rendezvous channel.</summary>
    public int? MaxSize { get; }

    /// <summary>Gets the number of items buffered (always 0 for a channel).</summary>
    public int Count => _items.Count;

    /// <summary>Gets the number of items put and not yet marked done by <see cref="TaskDone"/>.</summary>
    public int UnfinishedTasks => _unfinished;

    /// <summary>Puts an item, waiting cooperatively while the queue is full (for a channel: until a getter takes it).</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <remarks>On an unbounded queue, callable from any thread: posted into the owning hub, which wakes at once.</remarks>
    /// <exception cref="GreenTimeoutException">The timeout passed while the queue stayed full.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The queue is bounded and belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is full.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever take an item.</exception>
    public void Put(T item, TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        if (MaxSize is null && _binding.Marshal("GreenQueue.Put", static s => s.Queue.Put(s.Item), (Queue: this, Item: item)))
        {
            return;
        }

        _binding.Enter("GreenQueue.Put");
        if (TryPut(item))
        {
            return;
        }

        if (timeout == TimeSpan.Zero)
        {
            throw new GreenTimeoutException("The queue is full.");
        }

        Hub hub = Hub.Current;
        var waiter = new HubWaiter(hub, hub.CheckCanBlock(), "GreenQueue.Put") { Item = item };
        LinkedListNode<HubWaiter> node = _putters.Add(waiter);
        try
        {
            if (!hub.Block(waiter, timeout))
            {
                throw new GreenTimeoutException($"The queue stayed full for {timeout}.");
            }
        }
        finally
        {
            _putters.Remove(node);
        }
    }

    /// <summary>Takes the first item, waiting cooperatively while the queue is empty.</summary>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <returns>The item.</returns>
    /// <exception cref="GreenTimeoutException">The timeout passed while the queue stayed empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The queue belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is empty.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever put an item.</exception>
    public T Get(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.Enter("GreenQueue.Get");
        if (TryGet(out T item))
        {
            return item;
        }

        if (timeout == TimeSpan.Zero)
        {
            throw new GreenTimeoutException("The queue is empty.");
        }

        Hub hub = Hub.Current;
        var waiter = new HubWaiter(hub, hub.CheckCanBlock(), "GreenQueue.Get");
        LinkedListNode<HubWaiter> node = _getters.Add(waiter);
        bool received = false;
        try
        {
            if (!hub.Block(waiter, timeout))
            {
                throw new GreenTimeoutException($"The queue stayed empty for {timeout}.");
            }

            received = true;
            return (T)waiter.Value!;
        }
        finally
        {
            _getters.Remove(node);
            if (!received && waiter.IsWoken && !waiter.TimedOut)
            {
                // Killed after an item was handed over but before it ran: the item goes back, not lost.
                Offer((T)waiter.Value!);
            }
        }
    }

    /// <summary>Puts an item if that needs no waiting: a getter waits, or there is room.</summary>
    /// <param name="item">The item.</param>
    /// <returns>True when the item was put.</returns>
    /// <remarks>On an unbounded queue, callable from any thread: posted into the owning hub, and always true.</remarks>
    /// <exception cref="GreenletError">The queue is bounded and belongs to another thread's hub.</exception>
    public bool TryPut(T item)
    {
        if (MaxSize is null && _binding.Marshal("GreenQueue.TryPut", static s => s.Queue.TryPut(s.Item), (Queue: this, Item: item)))
        {
            return true;
        }

        _binding.Enter("GreenQueue.TryPut");
        if (_items.Count == 0 && _getters.TakeFirst() is { } getter)
        {
            _unfinished++;
            getter.Wake(item);
            return true;
        }

        if (MaxSize is null || _items.Count < MaxSize)
        {
            _unfinished++;
            _items.Enqueue(item);
            return true;
        }

        return false;
    }

    /// <summary>Takes the first item if that needs no waiting.</summary>
    /// <param name="item">The item, or the default when none was available.</param>
    /// <returns>True when an item was taken.</returns>
    /// <exception cref="GreenletError">The queue belongs to another thread's hub.</exception>
    public bool TryGet(out T item)
    {
        _binding.Enter("GreenQueue.TryGet");
        if (_items.TryDequeue(out item!))
        {
            if (_putters.TakeFirst() is { } putter)
            {
                _items.Enqueue((T)putter.Item!);
                putter.Wake(null);
            }

            return true;
        }

        if (_putters.TakeFirst() is { } direct)
        {
            item = (T)direct.Item!;
            direct.Wake(null);
            return true;
        }

        item = default!;
        return false;
    }

    /// <summary>Marks one item taken with <see cref="Get"/> as processed.</summary>
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
            _joiners.WakeAll(null);
        }
    }

    /// <summary>Waits cooperatively until every item put has been marked done with <see cref="TaskDone"/>.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>True when no unfinished item is left; false when the timeout passed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The queue belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever finish the items.</exception>
    public bool Join(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.Enter("GreenQueue.Join");
        if (_unfinished == 0)
        {
            return true;
        }

        Hub hub = Hub.Current;
        var waiter = new HubWaiter(hub, hub.CheckCanBlock(), "GreenQueue.Join");
        LinkedListNode<HubWaiter> node = _joiners.Add(waiter);
        try
        {
            hub.Block(waiter, timeout);
            return _unfinished == 0;
        }
        finally
        {
            _joiners.Remove(node);
        }
    }

    private void Offer(T item)
    {
        _unfinished--;
        if (!TryPut(item))
        {
            _unfinished++;
            _items.Enqueue(item);
        }
    }
}
