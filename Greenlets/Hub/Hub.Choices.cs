using System.Diagnostics;
using Greenlets.Internal;

namespace Greenlets;

public sealed partial class Hub
{
    private IHubChooser? _chooser;
    private object[] _choiceKeys = [];
    private int[] _choicePositions = [];

    /// <summary>Gets or sets the chooser consulted at every choice point (see <see cref="IHubChooser"/>); null, the
    /// default, is gevent's FIFO order.</summary>
    /// <exception cref="GreenletError">Set from outside the hub's tree.</exception>
    internal IHubChooser? Chooser
    {
        get => _chooser;
        set
        {
            CheckOwnTree("Hub.Chooser");
            _chooser = value;
        }
    }

    /// <summary>Gets whether something outside the tree may still wake the hub: a <see cref="Wait(Task)"/> pending or a
    /// post not yet run. A virtual clock jumps to the next timer only when this is false.</summary>
    internal bool WaitsOnRealWork => _pendingTasks > 0 || !_external.IsEmpty;

    /// <summary>Returns the greenlet an entry would switch into, or null for a hub callback (or an entry that would do
    /// nothing: a wait killed after its wake, a task killed before its start).</summary>
    private static Greenlet? GreenletOf(HubReadyItem item) => item.What switch
    {
        HubReadyItem.Kind.Resume => item.Target is HubWaiter { IsResumable: true } waiter ? waiter.Greenlet : null,
        HubReadyItem.Kind.Start => item.Target is GreenTask { CanStartNow: true } task ? task : null,
        _ => null,
    };

    /// <summary>The key of a timer as a candidate: the greenlet its callback resumes or starts, else the callback.</summary>
    private static object TimerKey(HubTimer timer) => timer.Callback.Target switch
    {
        HubWaiter waiter => waiter.Greenlet,
        Greenlet greenlet => greenlet,
        _ => timer.Callback,
    };

    /// <summary>Takes the next ready entry under <see cref="Chooser"/>: a callback at the head runs in its FIFO place;
    /// otherwise the chooser picks among every ready greenlet, and the others keep their order.</summary>
    private bool TryTakeChosen(out HubReadyItem item)
    {
        if (!_ready.TryPeek(out item))
        {
            return false;
        }

        if (GreenletOf(item) is null)
        {
            _ready.Dequeue();
            return true;
        }

        int count = 0;
        int position = 0;
        GrowChoiceBuffers(_ready.Count);
        foreach (HubReadyItem candidate in _ready)
        {
            if (GreenletOf(candidate) is { } greenlet)
            {
                _choiceKeys[count] = greenlet;
                _choicePositions[count++] = position;
            }

            position++;
        }

        int chosen = count < 2 ? 0 : _chooser!.Choose(HubChoiceKind.Ready, _choiceKeys.AsSpan(0, count));
        Debug.Assert((uint)chosen < (uint)count, "a chooser returns one of its candidates");
        int take = _choicePositions[chosen];
        Array.Clear(_choiceKeys, 0, count);

        // Out of the middle of the queue with the others' order kept: the entries before it go round to the back, then
        // the entries after it, so that the queue reads as before minus the chosen one.
        Rotate(take);
        item = _ready.Dequeue();
        Rotate(_ready.Count - take);
        return true;
    }

    /// <summary>Picks which of the timers due by <paramref name="now"/> fires next under <see cref="Chooser"/>;
    /// <paramref name="first"/>, the earliest, is already out of the heap and goes back if another is chosen.</summary>
    private HubTimer ChooseDueTimer(HubTimer first, (long Due, long Sequence) firstPriority, long now)
    {
        List<(HubTimer Timer, (long Due, long Sequence) Priority)> due = [(first, firstPriority)];
        foreach ((HubTimer timer, (long Due, long Sequence) priority) in _timers.UnorderedItems)
        {
            if (!timer.IsDone && timer.Due <= now)
            {
                due.Add((timer, priority));
            }
        }

        if (due.Count < 2)
        {
            return first;
        }

        due.Sort(static (a, b) => a.Priority.CompareTo(b.Priority));
        object[] keys = [.. due.Select(d => TimerKey(d.Timer))];
        int chosen = _chooser!.Choose(HubChoiceKind.Timer, keys);
        Debug.Assert((uint)chosen < (uint)due.Count, "a chooser returns one of its candidates");
        if (chosen == 0)
        {
            return first;
        }

        HubTimer pick = due[chosen].Timer;
        _timers.Remove(pick, out _, out _);
        _timers.Enqueue(first, firstPriority);
        return pick;
    }

    private void Rotate(int count)
    {
        for (int i = 0; i < count; i++)
        {
            _ready.Enqueue(_ready.Dequeue());
        }
    }

    private void GrowChoiceBuffers(int size)
    {
        if (_choiceKeys.Length < size)
        {
            _choiceKeys = new object[Math.Max(size, 2 * _choiceKeys.Length)];
            _choicePositions = new int[_choiceKeys.Length];
        }
    }
}
