namespace Greenlets.Internal;

/// <summary>A FIFO of waiters blocked on one primitive; removal of an abandoned waiter is O(1).</summary>
internal sealed class WaitList
{
    private readonly LinkedList<HubWaiter> _waiters = new();

    public int Count => _waiters.Count;

    public LinkedListNode<HubWaiter> Add(HubWaiter waiter) => _waiters.AddLast(waiter);

    public void Remove(LinkedListNode<HubWaiter> node)
    {
        if (node.List is not null)
        {
            _waiters.Remove(node);
        }
    }

    /// <summary>Removes and returns the first waiter still waiting, or null; woken ones (timed out, about to leave) are skipped.</summary>
    public HubWaiter? TakeFirst()
    {
        while (_waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            if (!first.Value.IsWoken && !first.Value.IsDone)
            {
                return first.Value;
            }
        }

        return null;
    }

    /// <summary>Wakes every waiter with <paramref name="value"/>, in order, and empties the list.</summary>
    public void WakeAll(object? value)
    {
        while (TakeFirst() is { } waiter)
        {
            waiter.Wake(value);
        }
    }
}
