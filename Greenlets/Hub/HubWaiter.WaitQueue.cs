using System.Diagnostics;

namespace Greenlets.Internal;

internal sealed partial class HubWaiter
{
    /// <summary>The links of a waiter in one <see cref="WaitQueue"/>; written only by that queue.</summary>
    private struct Links
    {
        public WaitQueue? List;
        public HubWaiter? Previous;
        public HubWaiter? Next;
    }

    /// <summary>
    /// The one list of waits: FIFO, intrusive (no node allocated per wait), removal from the middle in O(1) when a wait
    /// times out or is killed. A waiter can be in two at once, in two link slots: a primitive's queue (its owner) and the
    /// hub's list of blocked waits (<see cref="ForHub"/>). Only this type writes the links, so a waiter is in a queue
    /// exactly when the queue says so.
    /// </summary>
    internal sealed class WaitQueue
    {
        private readonly bool _hubSlot;
        private HubWaiter? _first;
        private HubWaiter? _last;

        /// <summary>Creates a primitive's queue (the waiter's owner slot).</summary>
        public WaitQueue()
            : this(hubSlot: false)
        {
        }

        private WaitQueue(bool hubSlot) => _hubSlot = hubSlot;

        /// <summary>Gets the number of waiters in the queue.</summary>
        public int Count { get; private set; }

        /// <summary>Gets the oldest waiter, or null.</summary>
        public HubWaiter? First => _first;

        /// <summary>Gets the newest waiter, or null.</summary>
        public HubWaiter? Last => _last;

        /// <summary>Creates the hub's list of blocked waits (the waiter's hub slot).</summary>
        public static WaitQueue ForHub() => new(hubSlot: true);

        /// <summary>Gets the waiter after <paramref name="waiter"/> (which must be in this queue), or null.</summary>
        public HubWaiter? Next(HubWaiter waiter)
        {
            Debug.Assert(Contains(waiter), "walked from a waiter of another queue");
            return LinksOf(waiter).Next;
        }

        /// <summary>Gets whether <paramref name="waiter"/> is in this queue.</summary>
        public bool Contains(HubWaiter waiter) => LinksOf(waiter).List == this;

        public void AddLast(HubWaiter waiter)
        {
            ref Links links = ref LinksOf(waiter);
            Debug.Assert(links.List is null, "a waiter is in one queue of a kind at a time");
            links.List = this;
            links.Previous = _last;
            links.Next = null;
            if (_last is null)
            {
                _first = waiter;
            }
            else
            {
                LinksOf(_last).Next = waiter;
            }

            _last = waiter;
            Count++;
            AssertInvariants();
        }

        public void AddFirst(HubWaiter waiter)
        {
            ref Links links = ref LinksOf(waiter);
            Debug.Assert(links.List is null, "a waiter is in one queue of a kind at a time");
            links.List = this;
            links.Previous = null;
            links.Next = _first;
            if (_first is null)
            {
                _last = waiter;
            }
            else
            {
                LinksOf(_first).Previous = waiter;
            }

            _first = waiter;
            Count++;
            AssertInvariants();
        }

        /// <summary>Takes <paramref name="waiter"/> out; false (and nothing changes) when it is not in this queue.</summary>
        public bool Remove(HubWaiter waiter)
        {
            ref Links links = ref LinksOf(waiter);
            if (links.List != this)
            {
                return false;
            }

            if (links.Previous is { } previous)
            {
                LinksOf(previous).Next = links.Next;
            }
            else
            {
                _first = links.Next;
            }

            if (links.Next is { } next)
            {
                LinksOf(next).Previous = links.Previous;
            }
            else
            {
                _last = links.Previous;
            }

            links = default;
            Count--;
            AssertInvariants();
            return true;
        }

        /// <summary>Takes the oldest waiter out and returns it, or null when the queue is empty.</summary>
        public HubWaiter? RemoveFirst()
        {
            HubWaiter? first = _first;
            if (first is not null)
            {
                Remove(first);
            }

            return first;
        }

        private ref Links LinksOf(HubWaiter waiter) => ref _hubSlot ? ref waiter._hubLinks : ref waiter._ownerLinks;

        [Conditional("DEBUG")]
        private void AssertInvariants()
        {
            Debug.Assert(Count >= 0, "negative count");
            Debug.Assert((Count == 0) == (_first is null) && (_first is null) == (_last is null), "ends disagree with the count");
            Debug.Assert(_first is null || LinksOf(_first).Previous is null, "the first waiter has a predecessor");
            Debug.Assert(_last is null || LinksOf(_last).Next is null, "the last waiter has a successor");
        }
    }
}
