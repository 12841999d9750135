using System.Runtime.ExceptionServices;
using Greenlets.Internal;

namespace Greenlets;

public partial class GreenGroup
{
    private readonly HashSet<AsyncGreenTask> _asyncTasks = [];
    private readonly HashSet<AsyncGreenTask> _asyncDying = [];
    private Action<AsyncGreenTask>? _onAsyncFinished;

    /// <summary>Gets a snapshot of the unfinished <see cref="AsyncGreenTask"/> members (the group's enumerator yields the
    /// <see cref="GreenTask"/> ones).</summary>
    /// <exception cref="GreenletError">The group belongs to another hub.</exception>
    public IReadOnlyList<AsyncGreenTask> AsyncMembers
    {
        get
        {
            Binding.EnterEither("GreenGroup.AsyncMembers");
            return [.. _asyncTasks];
        }
    }

    private int AsyncCount => _asyncTasks.Count;

    /// <summary>Creates an async task for <paramref name="body"/> on the caller's <see cref="AsyncHub"/>, adds it and
    /// schedules it (so that <c>group.Spawn(async () => ...)</c> is an <see cref="AsyncGreenTask"/>, never an
    /// <c>async void</c> <see cref="Action"/> or a <c>GreenTask&lt;Task&gt;</c>).</summary>
    /// <param name="body">The body.</param>
    /// <returns>The scheduled task.</returns>
    /// <remarks>C# binds a lambda that only throws (<c>() => throw e</c>) to this overload rather than to
    /// <see cref="Spawn(Action)"/>. From thread greenlet code, whose hub would never run an async task, this overload
    /// therefore refuses to spawn and says so; cast such a lambda: <c>group.Spawn((Action)(() => throw e))</c>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from thread greenlet code (a thread with a <see cref="Hub"/>
    /// and no async hub in its flow), or the group is a full pool (await <see cref="GreenPool.SpawnAsync"/>).</exception>
    /// <exception cref="GreenletError">The group belongs to another hub.</exception>
    public AsyncGreenTask Spawn(Func<ValueTask> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return SpawnAsyncMember(() => new AsyncGreenTask(body), "GreenGroup.Spawn(Func<ValueTask>)");
    }

    /// <summary>Creates an async task with a value for <paramref name="body"/>, adds it and schedules it (see
    /// <see cref="Spawn(Func{ValueTask})"/>).</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="body">The body.</param>
    /// <returns>The scheduled task.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from thread greenlet code, or the group is a full pool.</exception>
    /// <exception cref="GreenletError">The group belongs to another hub.</exception>
    public AsyncGreenTask<T> Spawn<T>(Func<ValueTask<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return SpawnAsyncMember(() => new AsyncGreenTask<T>(body), "GreenGroup.Spawn<T>(Func<ValueTask<T>>)");
    }

    /// <summary>Adds an async task; it leaves the group when its link notifier runs, after it finishes.</summary>
    /// <param name="t">The task.</param>
    /// <exception cref="ArgumentNullException"><paramref name="t"/> is null.</exception>
    /// <exception cref="GreenletError">The group, or the task, belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">The group is a full pool (await
    /// <see cref="GreenPool.WaitAvailableAsync"/> first).</exception>
    public void Add(AsyncGreenTask t)
    {
        ArgumentNullException.ThrowIfNull(t);
        Binding.EnterEither("GreenGroup.Add");
        HubBinding.Check(t.Hub, "GreenGroup.Add");
        if (_asyncTasks.Contains(t))
        {
            return;
        }

        if (!TryAcquireSlot())
        {
            throw new InvalidOperationException("The pool is full: await GreenPool.SpawnAsync (or WaitAvailableAsync) to wait for a free slot.");
        }

        Join(t);
    }

    /// <summary>Removes an async task without killing it.</summary>
    /// <param name="t">The task.</param>
    /// <exception cref="GreenletError">The group belongs to another hub.</exception>
    public void Discard(AsyncGreenTask t)
    {
        Binding.EnterEither("GreenGroup.Discard");
        if (t is not null && _asyncTasks.Contains(t))
        {
            t.RemoveRawLink(_onAsyncFinished!);
            Remove(t);
        }
    }

    /// <summary>Gets whether <paramref name="t"/> is an unfinished member.</summary>
    /// <param name="t">The task.</param>
    /// <returns>True when it is a member.</returns>
    /// <exception cref="GreenletError">The group belongs to another hub.</exception>
    public bool Contains(AsyncGreenTask t)
    {
        Binding.EnterEither("GreenGroup.Contains");
        return _asyncTasks.Contains(t);
    }

    /// <summary>Waits cooperatively from async greenlet code until the group is empty: gevent's <c>Group.join</c>.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <param name="throwOnError">Whether to rethrow, once the wait is over, the failure of a task that was a member when it began.</param>
    /// <returns>True when the group became empty; false when the timeout passed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The group belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever finish the members.</exception>
    /// <exception cref="Exception">With <paramref name="throwOnError"/>, a member's failure.</exception>
    public ValueTask<bool> JoinAsync(TimeSpan? timeout = null, bool throwOnError = false)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        Binding.EnterEither("GreenGroup.JoinAsync");
        AsyncGreenTask[] members = throwOnError ? [.. _asyncTasks] : [];
        return JoinCoreAsync(_empty.WaitAsync(timeout, "GreenGroup.JoinAsync"), members);
    }

    /// <summary>Kills every async member: gevent's <c>Group.kill</c>; blocking, then waits until the group is empty or
    /// <paramref name="timeout"/> passes (members that survived stay in the group).</summary>
    /// <param name="e">The exception, or null for a new <see cref="GreenletExit"/> each.</param>
    /// <param name="block">Whether to wait until they finished.</param>
    /// <param name="timeout">The longest wait when blocking, or null for no limit.</param>
    /// <returns>A task that completes when the kills are done (blocking: when the group is empty or the timeout passed).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The group belongs to another hub.</exception>
    public ValueTask KillAsync(Exception? e = null, bool block = true, TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        Binding.EnterEither("GreenGroup.KillAsync");
        return KillCoreAsync(e, block, timeout);
    }

    /// <summary>The checks of both async spawns, in order, before anything is made: thread code, the hub, a slot.</summary>
    private TTask SpawnAsyncMember<TTask>(Func<TTask> create, string member)
        where TTask : AsyncGreenTask
    {
        if (!AsyncHub.CallerIsAsync && IsThreadCode())
        {
            throw new InvalidOperationException(
                $"{member} was called from thread greenlet code, whose hub never runs an async task. A lambda that only throws binds to this overload: cast it, group.Spawn((Action)(() => throw e)); for async members use an AsyncHub.");
        }

        // Its members are async tasks: the group belongs to the caller's async hub, created if need be.
        _ = AsyncHub.Current;
        Binding.EnterEither(member);
        if (!TryAcquireSlot())
        {
            throw new InvalidOperationException("The pool is full: await GreenPool.SpawnAsync (or WaitAvailableAsync) to wait for a free slot.");
        }

        TTask task;
        try
        {
            task = create();
        }
        catch
        {
            ReleaseSlot();
            throw;
        }

        Join(task);
        task.Start();
        return task;
    }

    /// <summary>Whether the caller is thread greenlet code: the group belongs to a thread hub, or a spawned thread greenlet
    /// runs, or the main greenlet of a dedicated thread with a hub (a thread-pool thread may keep an earlier hub, and
    /// async code runs there).</summary>
    private bool IsThreadCode() =>
        Binding.Hub is Hub || GreenletCore.OnThisThread is { IsMain: false }
        || (Hub.ThisThreadHasHub && !Thread.CurrentThread.IsThreadPoolThread);

    /// <summary>Takes a slot without waiting (a pool); true for a plain group.</summary>
    internal virtual bool TryAcquireSlot() => true;

    /// <summary>Makes a task whose slot is taken a member.</summary>
    private protected void Join(AsyncGreenTask t)
    {
        t.AddRawLink(_onAsyncFinished ??= OnAsyncFinished);
        _asyncTasks.Add(t);
        _empty.Clear();
    }

    private static async ValueTask<bool> JoinCoreAsync(ValueTask<bool> wait, AsyncGreenTask[] members)
    {
        bool empty = await wait;
        foreach (AsyncGreenTask task in members)
        {
            if (task.Exception is { } error)
            {
                ExceptionDispatchInfo.Throw(error);
            }
        }

        return empty;
    }

    private async ValueTask KillCoreAsync(Exception? e, bool block, TimeSpan? timeout)
    {
        using GreenTimeout? limit = block && timeout is { } span ? new GreenTimeout(span) : null;
        try
        {
            while (_asyncTasks.Count > 0)
            {
                foreach (AsyncGreenTask task in (AsyncGreenTask[])[.. _asyncTasks])
                {
                    if (_asyncDying.Add(task))
                    {
                        await task.KillAsync(e ?? new GreenletExit(), block: false);
                    }
                }

                if (!block)
                {
                    break;
                }

                await AsyncHub.JoinAllAsync([.. _asyncTasks]);
            }
        }
        catch (GreenTimeoutException timedOut) when (limit is not null && timedOut.Timeout == limit)
        {
        }
    }

    // gevent's Group._discard, a raw link of every member.
    private void OnAsyncFinished(AsyncGreenTask task)
    {
        if (_asyncTasks.Contains(task))
        {
            Remove(task);
        }
    }

    private void Remove(AsyncGreenTask task)
    {
        _asyncTasks.Remove(task);
        _asyncDying.Remove(task);
        if (Count == 0)
        {
            _empty.Set();
        }

        ReleaseSlot();
    }
}
