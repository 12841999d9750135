namespace Greenlets.Tests;

/// <summary>
/// The behaviours of the <c>Green*</c> primitives that both hubs share, written once: each subclass runs them on one
/// hub (<see cref="ThreadHubContractTests"/>: the synchronous members on a thread <see cref="Hub"/>;
/// <see cref="AsyncHubContractTests"/>: the <c>*Async</c> members on an <see cref="AsyncHub"/>). The expected logs of the
/// ordering tests are what the twin gevent 22.10 programs print (in the comments).
/// </summary>
public abstract class HubContractTests
{
    /// <summary>A task of either hub, as the contract tests see it.</summary>
    protected interface ITask
    {
        bool IsReady { get; }

        Exception? Exception { get; }

        object? Value { get; }

        ValueTask<bool> Join(TimeSpan? timeout = null);

        ValueTask Kill(bool block = true);
    }

    /// <summary>Runs <paramref name="body"/> as the main greenlet of a fresh hub.</summary>
    protected abstract void Run(Func<ValueTask> body);

    protected abstract ITask Spawn(Func<ValueTask> body);

    protected abstract ValueTask Sleep(TimeSpan delay);

    protected abstract ValueTask<bool> WaitAll();

    protected abstract ValueTask<bool> Wait(GreenEvent e, TimeSpan? timeout = null);

    protected abstract ValueTask<T> Take<T>(GreenResult<T> r, TimeSpan? timeout = null);

    protected abstract ValueTask Put<T>(GreenQueue<T> q, T item, TimeSpan? timeout = null);

    protected abstract ValueTask<T> Take<T>(GreenQueue<T> q, TimeSpan? timeout = null);

    protected abstract ValueTask<bool> Join<T>(GreenQueue<T> q, TimeSpan? timeout = null);

    protected abstract ValueTask<bool> Acquire(GreenSemaphore s, TimeSpan? timeout = null);

    protected abstract ValueTask<bool> Acquire(GreenLock l, TimeSpan? timeout = null);

    /// <summary>Makes the next switch into <paramref name="task"/> throw <paramref name="error"/> (a tracer, TR4): an
    /// exception that lands after a hand-over, before the woken greenlet could take it.</summary>
    protected abstract IDisposable ThrowOnNextSwitchInto(ITask task, Exception failure);

    protected ValueTask Yield() => Sleep(TimeSpan.Zero);

    [Fact]
    public void Event_SetWithSeveralWaiters_WakesInGeventOrder() => Run(async () =>
    {
        // gevent: w1 wait | w2 wait | w3 wait | main set | w1 woke | w2 woke | w3 woke | b | main slept | s | w2 slept
        var log = new List<string>();
        var ev = new GreenEvent();
        async ValueTask Waiter(int n)
        {
            log.Add($"w{n} wait");
            await Wait(ev);
            log.Add($"w{n} woke");
            if (n == 1)
            {
                Spawn(() =>
                {
                    log.Add("s");
                    return default;
                });
            }

            if (n == 2)
            {
                await Yield();
                log.Add("w2 slept");
            }
        }

        for (int n = 1; n <= 3; n++)
        {
            int id = n;
            Spawn(() => Waiter(id));
        }

        await Yield();
        ev.Set();
        Spawn(() =>
        {
            log.Add("b");
            return default;
        });
        log.Add("main set");
        await Yield();
        log.Add("main slept");
        Assert.True(await WaitAll());
        Assert.Equal("w1 wait | w2 wait | w3 wait | main set | w1 woke | w2 woke | w3 woke | b | main slept | s | w2 slept", string.Join(" | ", log));
    });

    [Fact]
    public void Event_WaitWithTimeout_ReturnsFalseThenTrueOnceSet() => Run(async () =>
    {
        var ev = new GreenEvent();
        Assert.False(await Wait(ev, TimeSpan.FromMilliseconds(1)));
        ev.Set();
        Assert.True(await Wait(ev, TimeSpan.Zero));
        Assert.True(await Wait(ev));
    });

    [Fact]
    public void Event_SetFromAnotherThread_WakesTheWaiter() => Run(async () =>
    {
        var ev = new GreenEvent();
        ITask waiter = Spawn(async () => Assert.True(await Wait(ev)));
        await Yield();

        // A timeout keeps the loop alive while the foreign thread sets the event (a foreign setter does not).
        Task setter = Task.Run(ev.Set);
        Assert.True(await waiter.Join(TestTimeouts.Unexpected));
        await setter;
        Assert.Null(waiter.Exception);
    });

    [Fact]
    public void Semaphore_ReleaseWithWaiters_WakesInGeventOrder() => Run(async () =>
    {
        // gevent: a1 wait | a2 wait | a3 wait | main released | a1 got | a1 released | a2 got | a3 got | b | count 0
        var log = new List<string>();
        var sem = new GreenSemaphore(0);
        async ValueTask Acquirer(int n)
        {
            log.Add($"a{n} wait");
            Assert.True(await Acquire(sem));
            log.Add($"a{n} got");
            if (n == 1)
            {
                sem.Release();
                log.Add("a1 released");
            }
        }

        for (int n = 1; n <= 3; n++)
        {
            int id = n;
            Spawn(() => Acquirer(id));
        }

        await Yield();
        sem.Release();
        sem.Release();
        log.Add("main released");
        Spawn(() =>
        {
            log.Add("b");
            return default;
        });
        Assert.True(await WaitAll());
        log.Add($"count {sem.CurrentCount}");
        Assert.Equal("a1 wait | a2 wait | a3 wait | main released | a1 got | a1 released | a2 got | a3 got | b | count 0", string.Join(" | ", log));
    });

    [Fact]
    public void Semaphore_ReleaserReacquiresBeforeTheWaiterRuns_KeepsThePermit() => Run(async () =>
    {
        var sem = new GreenSemaphore(1);
        Assert.True(await Acquire(sem));
        bool waiterGot = false;
        ITask waiter = Spawn(async () => waiterGot = await Acquire(sem));
        await Yield();
        sem.Release();
        Assert.True(await Acquire(sem, TimeSpan.Zero));
        await Yield();
        Assert.False(waiterGot);
        sem.Release();
        Assert.True(await waiter.Join());
        Assert.True(waiterGot);
    });

    [Fact]
    public void Semaphore_Timeout_ReturnsFalse() => Run(async () =>
    {
        var sem = new GreenSemaphore(0);
        Assert.False(await Acquire(sem, TimeSpan.Zero));
        Assert.False(await Acquire(sem, TimeSpan.FromMilliseconds(1)));
        Assert.Equal(0, sem.CurrentCount);
    });

    [Fact]
    public void Semaphore_KilledAfterPermitHandedOver_PermitIsReturned() => Run(async () =>
    {
        var sem = new GreenSemaphore(0);
        ITask waiter = Spawn(async () => await Acquire(sem));
        await Yield();
        await waiter.Kill(block: false); // scheduled before the hand-over resumes the waiter
        sem.Release();
        await waiter.Join();
        Assert.Equal(1, sem.CurrentCount);
    });

    [Fact]
    public void Lock_Reentrant_OtherWaitsFifoUntilLastRelease() => Run(async () =>
    {
        var gate = new GreenLock();
        var log = new List<string>();
        Assert.True(await Acquire(gate));
        Assert.True(await Acquire(gate));
        ITask[] others = [.. Enumerable.Range(1, 2).Select(n => Spawn(async () =>
        {
            Assert.True(await Acquire(gate));
            log.Add($"o{n}");
            gate.Release();
        }))];
        await Yield();
        gate.Release();
        await Yield();
        Assert.Empty(log);
        Assert.True(gate.IsLocked);
        gate.Release();
        Assert.False(gate.IsLocked);
        Assert.True(await WaitAll());
        Assert.Equal(["o1", "o2"], log);
        Assert.All(others, t => Assert.Null(t.Exception));
    });

    [Fact]
    public void Lock_ReleaseByNonOwner_Throws() => Run(async () =>
    {
        var gate = new GreenLock();
        Assert.True(await Acquire(gate));
        ITask other = Spawn(() =>
        {
            Assert.Throws<SynchronizationLockException>(gate.Release);
            return default;
        });
        await other.Join();
        Assert.Null(other.Exception);
        Assert.False(await WaitTimedOut(other));
        gate.Release();
    });

    [Fact]
    public void Result_Get_ReturnsTheValueOrRethrowsTheException() => Run(async () =>
    {
        var ok = new GreenResult<int>();
        var bad = new GreenResult<int>();
        Spawn(() =>
        {
            ok.Set(3);
            bad.SetException(new FormatException("no"));
            return default;
        });
        Assert.Equal(3, await Take(ok));
        await Assert.ThrowsAsync<FormatException>(async () => await Take(bad));
        await Assert.ThrowsAsync<GreenTimeoutException>(async () => await Take(new GreenResult<int>(), TimeSpan.FromMilliseconds(1)));
    });

    [Fact]
    public void Queue_HandOverToWaitingGetters_GeventOrder() => Run(async () =>
    {
        // gevent: g1 wait | g2 wait | put 1 | g1 got 1 | put 2 | g2 got 2 | put 3 | g3 wait | g3 got 3
        var log = new List<string>();
        var q = new GreenQueue<int>(1);
        async ValueTask Getter(int n)
        {
            log.Add($"g{n} wait");
            int v = await Take(q);
            log.Add($"g{n} got {v}");
        }

        Spawn(() => Getter(1));
        Spawn(() => Getter(2));
        await Yield();
        for (int i = 1; i <= 3; i++)
        {
            await Put(q, i);
            log.Add($"put {i}");
        }

        Spawn(() => Getter(3));
        Assert.True(await WaitAll());
        Assert.Equal("g1 wait | g2 wait | put 1 | g1 got 1 | put 2 | g2 got 2 | put 3 | g3 wait | g3 got 3", string.Join(" | ", log));
    });

    [Fact]
    public void Queue_Rendezvous_PutterResumesAfterItsGetter() => Run(async () =>
    {
        // gevent: p1 put | p2 put | main spawned | g1 got 1 | p1 done | g2 got 2 | p2 done
        var log = new List<string>();
        var channel = new GreenQueue<int>(0);
        async ValueTask Putter(int n)
        {
            log.Add($"p{n} put");
            await Put(channel, n);
            log.Add($"p{n} done");
        }

        async ValueTask Getter(int n)
        {
            int v = await Take(channel);
            log.Add($"g{n} got {v}");
        }

        Spawn(() => Putter(1));
        Spawn(() => Putter(2));
        await Yield();
        Spawn(() => Getter(1));
        Spawn(() => Getter(2));
        log.Add("main spawned");
        Assert.True(await WaitAll());
        Assert.Equal("p1 put | p2 put | main spawned | g1 got 1 | p1 done | g2 got 2 | p2 done", string.Join(" | ", log));
        Assert.Equal(2, channel.UnfinishedTasks);
    });

    [Fact]
    public void Queue_Timeouts_ThrowGreenTimeoutException() => Run(async () =>
    {
        var q = new GreenQueue<int>(1);
        await Assert.ThrowsAsync<GreenTimeoutException>(async () => await Take(q, TimeSpan.Zero));
        await Assert.ThrowsAsync<GreenTimeoutException>(async () => await Take(q, TimeSpan.FromMilliseconds(1)));
        await Put(q, 1);
        await Assert.ThrowsAsync<GreenTimeoutException>(async () => await Put(q, 2, TimeSpan.FromMilliseconds(1)));
        Assert.Equal(1, q.Count);
        var channel = new GreenQueue<int>(0);
        await Assert.ThrowsAsync<GreenTimeoutException>(async () => await Put(channel, 1, TimeSpan.Zero));
    });

    [Fact]
    public void Queue_Join_WaitsForEveryTaskDone() => Run(async () =>
    {
        var q = new GreenQueue<string>();
        var done = new List<string>();
        Spawn(async () =>
        {
            for (int i = 0; i < 2; i++)
            {
                string item = await Take(q);
                await Yield();
                done.Add(item);
                q.TaskDone();
            }
        });
        await Put(q, "a");
        await Put(q, "b");
        Assert.True(await Join(q));
        Assert.Equal(["a", "b"], done);
        Assert.Equal(0, q.UnfinishedTasks);
    });

    [Fact]
    public void Queue_GetterKilledBeforeTheHandOver_ItemIsNotLost() => Run(async () =>
    {
        var q = new GreenQueue<int>();
        ITask getter = Spawn(async () => await Take(q));
        await Yield();
        await getter.Kill(block: false); // the kill is scheduled first, so it lands before the hand-over resumes the getter
        await Put(q, 9);
        await getter.Join();
        Assert.IsType<GreenletExit>(getter.Value);
        Assert.Equal(9, await Take(q, TimeSpan.Zero));
    });

    [Fact]
    public void Queue_ChannelGetterFailsAfterTheHandOver_ItemGoesToTheNextGetter() => Run(async () =>
    {
        // The wait core's give-back: a getter handed an item but hit by an exception before it could take it.
        var channel = new GreenQueue<int>(0);
        var boom = new InvalidOperationException("tracer");
        int second = 0;
        ITask first = Spawn(async () => await Take(channel));
        ITask next = Spawn(async () => second = await Take(channel));
        await Yield();
        using (ThrowOnNextSwitchInto(first, boom))
        {
            await Put(channel, 7);

            // Without the give-back nothing could ever wake the second getter: HubLoopExitException.
            Assert.True(await next.Join());
        }

        Assert.Same(boom, first.Exception);
        Assert.Equal(7, second);
        Assert.Equal(1, channel.UnfinishedTasks);
    });

    [Fact]
    public void Timeout_AroundAWait_RaisesInTheWaiter() => Run(async () =>
    {
        var ev = new GreenEvent();
        using var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(1));
        GreenTimeoutException e = await Assert.ThrowsAsync<GreenTimeoutException>(async () => await Wait(ev));
        Assert.Same(timeout, e.Timeout);
        Assert.True(timeout.HasFired);
        Assert.Equal(0, ev.IsSet ? 1 : 0);
    });

    [Fact]
    public void Kill_WhileWaitingOnAnEvent_LeavesTheEventsWaiters() => Run(async () =>
    {
        var ev = new GreenEvent();
        bool woke = false;
        ITask killed = Spawn(async () => await Wait(ev));
        ITask other = Spawn(async () => woke = await Wait(ev));
        await Yield();
        await killed.Kill();
        Assert.True(killed.IsReady);
        ev.Set();
        Assert.True(await other.Join());
        Assert.True(woke);
    });

    [Fact]
    public void LoopExit_MainWaitsOnAnEventNobodySets_GetsHubLoopExit() => Run(async () =>
    {
        var ev = new GreenEvent();
        HubLoopExitException e = await Assert.ThrowsAsync<HubLoopExitException>(async () => await Wait(ev));
        Assert.Contains(e.Waiting, w => w.Contains("GreenEvent", StringComparison.Ordinal));

        // The hub stays usable.
        ev.Set();
        Assert.True(await Wait(ev));
        await Sleep(TimeSpan.FromMilliseconds(1));
    });

    private static async ValueTask<bool> WaitTimedOut(ITask task) => !await task.Join(TimeSpan.Zero);
}

/// <summary>The shared primitive behaviours on a thread <see cref="Hub"/>, through the synchronous members.</summary>
public sealed class ThreadHubContractTests : HubContractTests
{
    protected override void Run(Func<ValueTask> body) => OnThread.Run(() => Sync(body()));

    protected override ITask Spawn(Func<ValueTask> body) => new ThreadTask(Hub.Spawn(() => Sync(body())));

    protected override ValueTask Sleep(TimeSpan delay)
    {
        Hub.Sleep(delay);
        return default;
    }

    protected override ValueTask<bool> WaitAll() => new(Hub.WaitAll());

    protected override ValueTask<bool> Wait(GreenEvent e, TimeSpan? timeout = null) => new(e.Wait(timeout));

    protected override ValueTask<T> Take<T>(GreenResult<T> r, TimeSpan? timeout = null) => new(r.Get(timeout));

    protected override ValueTask Put<T>(GreenQueue<T> q, T item, TimeSpan? timeout = null)
    {
        q.Put(item, timeout);
        return default;
    }

    protected override ValueTask<T> Take<T>(GreenQueue<T> q, TimeSpan? timeout = null) => new(q.Get(timeout));

    protected override ValueTask<bool> Join<T>(GreenQueue<T> q, TimeSpan? timeout = null) => new(q.Join(timeout));

    protected override ValueTask<bool> Acquire(GreenSemaphore s, TimeSpan? timeout = null) => new(s.Acquire(timeout));

    protected override ValueTask<bool> Acquire(GreenLock l, TimeSpan? timeout = null) => new(l.Acquire(timeout));

    protected override IDisposable ThrowOnNextSwitchInto(ITask task, Exception failure)
    {
        Hub.Current.UnhandledException += (_, _) => { };
        GreenTask target = ((ThreadTask)task).Task;
        bool thrown = false;
        Greenlet.SetTrace((_, _, to) =>
        {
            if (!thrown && to == target)
            {
                thrown = true;
                throw failure;
            }
        });
        return new Untrace(() => Greenlet.SetTrace(null));
    }

    // Every thread-hub member completes synchronously: the body's task is complete when it returns.
    private static void Sync(ValueTask task) => task.GetAwaiter().GetResult();

    private sealed class ThreadTask(GreenTask task) : ITask
    {
        public GreenTask Task { get; } = task;

        public bool IsReady => Task.IsReady;

        public Exception? Exception => Task.Exception;

        public object? Value => Task.Value;

        public ValueTask<bool> Join(TimeSpan? timeout = null) => new(Task.Join(timeout));

        public ValueTask Kill(bool block = true)
        {
            Task.Kill(block: block);
            return default;
        }
    }

    private sealed class Untrace(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}

/// <summary>The shared primitive behaviours on an <see cref="AsyncHub"/>, through the <c>*Async</c> members.</summary>
public sealed class AsyncHubContractTests : HubContractTests
{
    protected override void Run(Func<ValueTask> body) => AsyncTestFlow.Run(async () =>
    {
        // The entry point touches the hub first: outside code of the flow is then its main greenlet.
        _ = AsyncHub.Current;
        await body();
    });

    protected override ITask Spawn(Func<ValueTask> body) => new AsyncTask(AsyncHub.Spawn(body));

    protected override ValueTask Sleep(TimeSpan delay) => AsyncHub.SleepAsync(delay);

    protected override ValueTask<bool> WaitAll() => AsyncHub.WaitAllAsync();

    protected override ValueTask<bool> Wait(GreenEvent e, TimeSpan? timeout = null) => e.WaitAsync(timeout);

    protected override ValueTask<T> Take<T>(GreenResult<T> r, TimeSpan? timeout = null) => r.GetAsync(timeout);

    protected override ValueTask Put<T>(GreenQueue<T> q, T item, TimeSpan? timeout = null) => q.PutAsync(item, timeout);

    protected override ValueTask<T> Take<T>(GreenQueue<T> q, TimeSpan? timeout = null) => q.GetAsync(timeout);

    protected override ValueTask<bool> Join<T>(GreenQueue<T> q, TimeSpan? timeout = null) => q.JoinAsync(timeout);

    protected override ValueTask<bool> Acquire(GreenSemaphore s, TimeSpan? timeout = null) => s.AcquireAsync(timeout);

    protected override ValueTask<bool> Acquire(GreenLock l, TimeSpan? timeout = null) => l.AcquireAsync(timeout);

    protected override IDisposable ThrowOnNextSwitchInto(ITask task, Exception failure)
    {
        AsyncHub.Current.UnhandledException += (_, _) => { };
        AsyncGreenTask target = ((AsyncTask)task).Task;
        bool thrown = false;
        AsyncGreenlet.SetTrace((_, _, to) =>
        {
            if (!thrown && to == target)
            {
                thrown = true;
                throw failure;
            }
        });
        return new Untrace(() => AsyncGreenlet.SetTrace(null));
    }

    private sealed class AsyncTask(AsyncGreenTask task) : ITask
    {
        public AsyncGreenTask Task { get; } = task;

        public bool IsReady => Task.IsReady;

        public Exception? Exception => Task.Exception;

        public object? Value => Task.Value;

        public ValueTask<bool> Join(TimeSpan? timeout = null) => Task.JoinAsync(timeout);

        public ValueTask Kill(bool block = true) => Task.KillAsync(block: block);
    }

    private sealed class Untrace(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
