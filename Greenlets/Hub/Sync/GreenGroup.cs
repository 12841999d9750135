using System.Collections;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>A set of tasks that drops members as they finish: gevent's <c>Group</c>.</summary>
/// <remarks>Use a group from one tree only. It holds thread-hub tasks (<see cref="GreenTask"/>) or, in an async hub's
/// tree, async ones (<see cref="AsyncGreenTask"/>, with the <c>*Async</c> members); <see cref="Count"/> counts both,
/// enumerating the group yields its <see cref="GreenTask"/> members and <see cref="AsyncMembers"/> its async ones.</remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public partial class GreenGroup : IEnumerable<GreenTask>
{
    private readonly HubBinding _binding = new();
    private readonly HashSet<GreenTask> _tasks = [];
    private readonly HashSet<GreenTask> _dying = [];
    private readonly GreenEvent _empty = new();
    private readonly Action<GreenTask> _onFinished;

    /// <summary>Creates an empty group.</summary>
    public GreenGroup()
    {
        _onFinished = OnFinished;
        _empty.Set();
    }

    /// <summary>Gets the number of unfinished members, of either kind.</summary>
    public int Count => _tasks.Count + AsyncCount;

    /// <summary>Creates a task for <paramref name="a"/>, adds it and schedules it.</summary>
    /// <param name="a">The body.</param>
    /// <returns>The task.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="a"/> is null.</exception>
    /// <exception cref="GreenletError">The group belongs to another thread's hub.</exception>
    /// <exception cref="HubLoopExitException">A full pool never frees a slot.</exception>
    public GreenTask Spawn(Action a)
    {
        Binding.Enter("GreenGroup.Spawn");
        var task = new GreenTask(a);
        Add(task);
        task.Start();
        return task;
    }

    /// <summary>Creates a task for <paramref name="f"/>, adds it and schedules it.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="f">The body.</param>
    /// <returns>The task.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="f"/> is null.</exception>
    /// <exception cref="GreenletError">The group belongs to another thread's hub.</exception>
    /// <exception cref="HubLoopExitException">A full pool never frees a slot.</exception>
    public GreenTask<T> Spawn<T>(Func<T> f)
    {
        Binding.Enter("GreenGroup.Spawn");
        var task = new GreenTask<T>(f);
        Add(task);
        task.Start();
        return task;
    }

    /// <summary>Adds a task; it leaves the group when its link notifier runs, after it finishes (as in gevent).</summary>
    /// <param name="t">The task.</param>
    /// <exception cref="ArgumentNullException"><paramref name="t"/> is null.</exception>
    /// <exception cref="GreenletError">The group, or the task, belongs to another thread's hub.</exception>
    public void Add(GreenTask t)
    {
        ArgumentNullException.ThrowIfNull(t);
        Binding.Enter("GreenGroup.Add");
        HubBinding.Check(t.Hub, "GreenGroup.Add");
        if (_tasks.Contains(t))
        {
            return;
        }

        AcquireSlot();
        t.AddRawLink(_onFinished);
        _tasks.Add(t);
        _empty.Clear();
    }

    /// <summary>Removes a task without killing it.</summary>
    /// <param name="t">The task.</param>
    /// <exception cref="GreenletError">The group belongs to another thread's hub.</exception>
    public void Discard(GreenTask t)
    {
        Binding.Enter("GreenGroup.Discard");
        if (t is not null && _tasks.Contains(t))
        {
            t.RemoveRawLink(_onFinished);
            Remove(t);
        }
    }

    /// <summary>Gets whether <paramref name="t"/> is an unfinished member.</summary>
    /// <param name="t">The task.</param>
    /// <returns>True when it is a member.</returns>
    /// <exception cref="GreenletError">The group belongs to another thread's hub.</exception>
    public bool Contains(GreenTask t)
    {
        Binding.Enter("GreenGroup.Contains");
        return _tasks.Contains(t);
    }

    /// <summary>Waits cooperatively until the group is empty: gevent's <c>Group.join</c>.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <param name="throwOnError">Whether to rethrow, once the wait is over, the failure of a task that was a member when it began.</param>
    /// <returns>True when the group became empty (it may have members again by the time the joiner runs, as in
    /// gevent: the wake-up counts); false when the timeout passed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The group belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever finish the members.</exception>
    /// <exception cref="Exception">With <paramref name="throwOnError"/>, a member's failure.</exception>
    public bool Join(TimeSpan? timeout = null, bool throwOnError = false)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        Binding.Enter("GreenGroup.Join");
        GreenTask[] members = throwOnError ? [.. _tasks] : [];
        bool empty = _empty.Wait(timeout, "GreenGroup.Join", default);
        foreach (GreenTask task in members)
        {
            if (task.Exception is { } error)
            {
                ExceptionDispatchInfo.Throw(error);
            }
        }

        return empty;
    }

    /// <summary>Kills every member: gevent's <c>Group.kill</c>. Each member is killed once; blocking, the call then
    /// waits until the group is empty, or until <paramref name="timeout"/> passes, when it returns quietly (members that
    /// survived the kill stay in the group).</summary>
    /// <param name="e">The exception, or null for a new <see cref="GreenletExit"/> each.</param>
    /// <param name="block">Whether to wait until they finished.</param>
    /// <param name="timeout">The longest wait when blocking, or null for no limit.</param>
    /// <remarks>With <paramref name="block"/> false, callable from any thread: posted into the owning hub.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">Blocking, and the group belongs to another thread's hub.</exception>
    public void Kill(Exception? e = null, bool block = true, TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        if (!block && Binding.Marshal("GreenGroup.Kill", static s => s.Group.Kill(s.Error, block: false), (Group: this, Error: e)))
        {
            return;
        }

        Binding.Enter("GreenGroup.Kill");
        using GreenTimeout? limit = block && timeout is { } span ? new GreenTimeout(span) : null;
        try
        {
            while (_tasks.Count > 0)
            {
                foreach (GreenTask task in (GreenTask[])[.. _tasks])
                {
                    if (_dying.Add(task))
                    {
                        task.Kill(e ?? new GreenletExit(), block: false);
                    }
                }

                if (!block)
                {
                    break;
                }

                Hub.JoinAll([.. _tasks]);
            }
        }
        catch (GreenTimeoutException timedOut) when (limit is not null && timedOut.Timeout == limit)
        {
        }
    }

    /// <summary>Returns an enumerator over a snapshot of the members.</summary>
    /// <returns>The enumerator.</returns>
    /// <exception cref="GreenletError">The group belongs to another thread's hub.</exception>
    public IEnumerator<GreenTask> GetEnumerator()
    {
        Binding.Enter("GreenGroup.GetEnumerator");
        return ((IEnumerable<GreenTask>)[.. _tasks]).GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Gets the debugger's one-line view.</summary>
    internal virtual string DebuggerDisplay => $"GreenGroup Count={Count}";

    /// <summary>Gets the group's thread rule (<see cref="HubBinding"/>), shared with a pool's own members.</summary>
    private protected HubBinding Binding => _binding;

    /// <summary>Takes a slot before a task joins (a pool waits here).</summary>
    internal virtual void AcquireSlot()
    {
    }

    /// <summary>Frees the slot of a task that left.</summary>
    internal virtual void ReleaseSlot()
    {
    }

    // gevent's Group._discard, a raw link of every member; Pool's adds the slot's release after it.
    private void OnFinished(GreenTask task)
    {
        if (_tasks.Contains(task))
        {
            Remove(task);
        }
    }

    private void Remove(GreenTask task)
    {
        _tasks.Remove(task);
        _dying.Remove(task);
        if (Count == 0)
        {
            _empty.Set();
        }

        ReleaseSlot();
    }
}
