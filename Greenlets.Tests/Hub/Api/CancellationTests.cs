namespace Greenlets.Tests;

/// <summary>The one token rule of the hub's waits (HubWaiter.Park): cancelled before the call, nothing changes; cancelled
/// during the wait, from any greenlet or thread, the wait ends with OperationCanceledException carrying the token.</summary>
public class CancellationTests
{
    [Fact]
    public void Members_TokenAlreadyCancelled_ThrowBeforeAnythingChanges()
    {
        OnThread.Run(() =>
        {
            var token = new CancellationToken(canceled: true);

            var queue = new GreenQueue<int>(maxSize: 2);
            AssertCancelled(() => queue.Put(1, token), token);
            Assert.Equal(0, queue.Count);
            queue.Put(7);
            AssertCancelled(() => queue.Get(token), token);
            Assert.Equal(1, queue.Count);
            AssertCancelled(() => queue.TryGet(out _, TimeSpan.Zero, token), token);
            AssertCancelled(() => queue.TryPut(2, TimeSpan.Zero, token), token);
            Assert.Equal(1, queue.Count);
            AssertCancelled(() => queue.Join(token), token);

            var semaphore = new GreenSemaphore(1);
            AssertCancelled(() => semaphore.Acquire(token), token);
            Assert.Equal(1, semaphore.CurrentCount);

            var gate = new GreenLock();
            AssertCancelled(() => gate.Acquire(token), token);
            Assert.False(gate.IsLocked);

            var flag = new GreenEvent();
            flag.Set();
            AssertCancelled(() => flag.Wait(token), token);

            var result = new GreenResult<int>();
            result.Set(3);
            AssertCancelled(() => result.Get(token), token);
            AssertCancelled(() => result.Wait(null, token), token);

            GreenTask<int> done = Hub.Spawn(() => 5);
            done.Join();
            AssertCancelled(() => done.Join(token), token);
            AssertCancelled(() => done.Get(token), token);
            AssertCancelled(() => Hub.JoinAll([done], token), token);
            AssertCancelled(() => Hub.Sleep(TimeSpan.Zero, token), token);
            AssertCancelled(() => Hub.Wait(Task.CompletedTask, token), token);
            AssertCancelled(() => Hub.Wait(Task.FromResult(1), token), token);
        });
    }

    [Fact]
    public void EventWait_TokenCancelledByAnotherGreenlet_ThrowsOperationCanceledAndLeavesTheList()
    {
        OnThread.Run(() =>
        {
            using var cts = new CancellationTokenSource();
            var flag = new GreenEvent();
            GreenTask<bool> waiter = Hub.Spawn(() => flag.Wait(cts.Token));
            Hub.Sleep(0);
            Assert.Contains("waiters=1", flag.DebuggerDisplay, StringComparison.Ordinal);
            cts.Cancel();
            var e = Assert.Throws<OperationCanceledException>(() => waiter.Get());
            Assert.Equal(cts.Token, e.CancellationToken);
            Assert.Contains("waiters=0", flag.DebuggerDisplay, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void QueueGet_TokenCancelledFromAnotherThread_ThrowsOperationCanceledNotLoopExit()
    {
        // The main greenlet waits for nothing but the token: a cancellable wait keeps the hub alive, as a task does.
        OnThread.Run(() =>
        {
            using var cts = new CancellationTokenSource();
            using var waiting = new ManualResetEventSlim();
            var canceller = new Thread(() =>
            {
                waiting.Wait(TestTimeouts.Unexpected);
                cts.Cancel();
            });
            canceller.Start();
            var queue = new GreenQueue<int>();
            Hub.Spawn(waiting.Set);
            var e = Assert.Throws<OperationCanceledException>(() => queue.Get(cts.Token));
            Assert.Equal(cts.Token, e.CancellationToken);
            Assert.True(canceller.Join(TestTimeouts.Unexpected));
        });
    }

    [Fact]
    public void Acquire_TimeoutWithLiveToken_ReturnsFalseNotCancelled()
    {
        OnThread.Run(() =>
        {
            using var cts = new CancellationTokenSource();
            var semaphore = new GreenSemaphore(0);
            Assert.False(semaphore.Acquire(TimeSpan.FromMilliseconds(1), cts.Token));
            Assert.False(new GreenEvent().Wait(TimeSpan.Zero, cts.Token));
            Assert.Throws<GreenTimeoutException>(() => new GreenQueue<int>().Get(TimeSpan.Zero, cts.Token));
        });
    }

    [Fact]
    public void SemaphoreAcquire_FirstWaiterCancelled_PermitGoesToNextWaiter()
    {
        OnThread.Run(() =>
        {
            using var cts = new CancellationTokenSource();
            var semaphore = new GreenSemaphore(0);
            GreenTask<bool> first = Hub.Spawn(() => semaphore.Acquire(cts.Token));
            GreenTask<bool> second = Hub.Spawn(() => semaphore.Acquire());
            Hub.Sleep(0);
            cts.Cancel();
            Assert.Throws<OperationCanceledException>(() => first.Get());
            semaphore.Release();
            Assert.True(second.Get());
            Assert.Equal(0, semaphore.CurrentCount);
        });
    }

    [Fact]
    public void LockAcquire_Cancelled_LockStaysWithOwnerAndNextWaiterGetsIt()
    {
        OnThread.Run(() =>
        {
            using var cts = new CancellationTokenSource();
            var gate = new GreenLock();
            gate.Acquire();
            GreenTask<bool> cancelled = Hub.Spawn(() => gate.Acquire(cts.Token));
            GreenTask<bool> patient = Hub.Spawn(() =>
            {
                bool got = gate.Acquire();
                gate.Release();
                return got;
            });
            Hub.Sleep(0);
            cts.Cancel();
            Assert.Throws<OperationCanceledException>(() => cancelled.Get());
            Assert.True(gate.IsLocked);
            gate.Release();
            Assert.True(patient.Get());
            Assert.False(gate.IsLocked);
        });
    }

    [Fact]
    public void QueuePut_CancelledWhileFull_ItemIsNotPut()
    {
        OnThread.Run(() =>
        {
            using var cts = new CancellationTokenSource();
            var queue = new GreenQueue<int>(maxSize: 1);
            queue.Put(1);
            GreenTask putter = Hub.Spawn(() => queue.Put(2, cts.Token));
            Hub.Sleep(0);
            cts.Cancel();
            Assert.Throws<OperationCanceledException>(() => putter.Get());
            Assert.Equal(1, queue.Get());
            Assert.False(queue.TryGet(out _));
            Assert.Equal(1, queue.UnfinishedTasks);
        });
    }

    [Fact]
    public void Wait_EndedNormally_LaterCancelDoesNotTouchTheNextWait()
    {
        OnThread.Run(() =>
        {
            using var cts = new CancellationTokenSource();
            var queue = new GreenQueue<int>();
            GreenTask<int> getter = Hub.Spawn(() =>
            {
                int first = queue.Get(cts.Token);
                return first + queue.Get();
            });
            Hub.Sleep(0);
            queue.Put(1);
            Hub.Sleep(0);

            // The registration of the first wait was disposed when it ended: this cancel reaches nothing.
            cts.Cancel();
            Hub.Sleep(0);
            Assert.False(getter.IsReady);
            queue.Put(2);
            Assert.Equal(3, getter.Get());
        });
    }

    [Fact]
    public void TaskJoin_KilledWhileWaitingWithToken_ExitsAndLaterCancelIsHarmless()
    {
        OnThread.Run(() =>
        {
            using var cts = new CancellationTokenSource();
            GreenTask sleeper = Hub.Spawn(() => Hub.Sleep(Timeout.InfiniteTimeSpan));
            GreenTask joiner = Hub.Spawn(() => sleeper.Join(cts.Token));
            Hub.Sleep(0);
            joiner.Kill();
            Assert.True(joiner.IsSuccessful);
            cts.Cancel();
            Hub.Sleep(0);
            sleeper.Kill();
            Assert.True(sleeper.IsReady);
        });
    }

    [Fact]
    public void Members_CancelledDuringWait_ThrowOperationCanceled()
    {
        OnThread.Run(() =>
        {
            var pending = new TaskCompletionSource<int>();
            GreenTask never = Hub.Spawn(() => Hub.Sleep(Timeout.InfiniteTimeSpan));
            var waits = new List<Action<CancellationToken>>
            {
                t => Hub.Sleep(Timeout.InfiniteTimeSpan, t),
                t => Hub.Wait(pending.Task, t),
                t => Hub.Wait((Task)pending.Task, t),
                t => Hub.JoinAll([never], t),
                t => Hub.JoinAll([never], null, throwOnError: true, t),
                t => never.Join(t),
                t => never.Get(t),
                t => new GreenResult<int>().Get(t),
                t => new GreenResult<int>().Wait(Timeout.InfiniteTimeSpan, t),
                t => new GreenEvent().Wait(Timeout.InfiniteTimeSpan, t),
                t => new GreenQueue<int>(0).Put(1, t),
                t => new GreenQueue<int>(0).Get(t),
                t => new GreenQueue<int>().TryGet(out _, Timeout.InfiniteTimeSpan, t),
                t => new GreenSemaphore(0).Acquire(Timeout.InfiniteTimeSpan, t),
                t =>
                {
                    var queue = new GreenQueue<int>();
                    queue.Put(1, CancellationToken.None);
                    queue.Join(t);
                },
            };
            foreach (Action<CancellationToken> wait in waits)
            {
                using var cts = new CancellationTokenSource();
                GreenTask waiter = Hub.Spawn(() => wait(cts.Token));
                Hub.Sleep(0);
                Assert.False(waiter.IsReady);
                cts.Cancel();
                var e = Assert.Throws<OperationCanceledException>(() => waiter.Get());
                Assert.Equal(cts.Token, e.CancellationToken);
            }

            never.Kill();
            pending.SetResult(0);
        });
    }

    private static void AssertCancelled(Action call, CancellationToken token)
    {
        var e = Assert.Throws<OperationCanceledException>(call);
        Assert.Equal(token, e.CancellationToken);
    }

    private static void AssertCancelled<T>(Func<T> call, CancellationToken token) => AssertCancelled(() => { _ = call(); }, token);
}
