namespace Greenlets.Tests;

/// <summary><c>using (lk.Lock())</c> and <c>using (sem.Enter())</c>: struct releasers that release once.</summary>
public class ScopeTests
{
    [Fact]
    public void Lock_UsingScope_ReleasedAtEndAndNextWaiterRuns()
    {
        OnThread.Run(() =>
        {
            var gate = new GreenLock();
            var log = new List<string>();
            GreenTask other;
            using (gate.Lock())
            {
                other = Hub.Spawn(() =>
                {
                    using (gate.Lock())
                    {
                        log.Add("other");
                    }
                });
                Hub.Sleep(0);
                log.Add("first");
            }

            other.Join();
            Assert.Equal(["first", "other"], log);
            Assert.False(gate.IsLocked);
        });
    }

    [Fact]
    public void LockReleaser_DisposedTwiceOrCopied_ReleasesOnce()
    {
        OnThread.Run(() =>
        {
            var gate = new GreenLock();
            using (gate.Lock())
            {
                GreenLock.Releaser inner = gate.Lock();
                GreenLock.Releaser copy = inner;
                inner.Dispose();
                inner.Dispose();
                copy.Dispose();

                // The outer level is still held.
                Assert.True(gate.IsLocked);
            }

            Assert.False(gate.IsLocked);
            default(GreenLock.Releaser).Dispose();
        });
    }

    [Fact]
    public void LockReleaser_StaleCopyAfterReuse_DoesNotReleaseTheNewScope()
    {
        OnThread.Run(() =>
        {
            var gate = new GreenLock();
            GreenLock.Releaser first = gate.Lock();
            first.Dispose();
            using (gate.Lock())
            {
                // The new scope reuses the same hold object; the stale releaser carries the old version.
                first.Dispose();
                Assert.True(gate.IsLocked);
            }

            Assert.False(gate.IsLocked);
        });
    }

    [Fact]
    public void LockReleaser_DisposedByAnotherGreenlet_ThrowsAndOwnerCanStillRelease()
    {
        OnThread.Run(() =>
        {
            var gate = new GreenLock();
            GreenLock.Releaser scope = gate.Lock();
            GreenTask thief = Hub.Spawn(scope.Dispose);
            thief.Join();
            Assert.IsType<SynchronizationLockException>(thief.Exception);
            Assert.True(gate.IsLocked);
            scope.Dispose();
            Assert.False(gate.IsLocked);
        });
    }

    [Fact]
    public void LockWithTimeout_HeldElsewhere_ThrowsGreenTimeoutAndHoldsNothing()
    {
        OnThread.Run(() =>
        {
            var gate = new GreenLock();
            GreenTask holder = Hub.Spawn(() =>
            {
                using (gate.Lock())
                {
                    Hub.Sleep(Timeout.InfiniteTimeSpan);
                }
            });
            Hub.Sleep(0);
            Assert.Throws<GreenTimeoutException>(() => gate.Lock(TimeSpan.FromMilliseconds(1)));
            Assert.Throws<GreenTimeoutException>(() => gate.Lock(TimeSpan.Zero));
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            Assert.Throws<OperationCanceledException>(() => gate.Lock(cts.Token));
            holder.Kill();
            Assert.False(gate.IsLocked);
            using (gate.Lock(TimeSpan.Zero))
            {
                Assert.True(gate.IsLocked);
            }
        });
    }

    [Fact]
    public void Enter_UsingScope_BoundsConcurrency()
    {
        OnThread.Run(() =>
        {
            var semaphore = new GreenSemaphore(2);
            int inside = 0;
            int most = 0;
            GreenTask[] workers = [.. Enumerable.Range(0, 6).Select(_ => Hub.Spawn(() =>
            {
                using (semaphore.Enter())
                {
                    most = Math.Max(most, ++inside);
                    Hub.Sleep(0);
                    inside--;
                }
            }))];
            Hub.JoinAll(workers);
            Assert.Equal(2, most);
            Assert.Equal(2, semaphore.CurrentCount);
        });
    }

    [Fact]
    public void SemaphoreReleaser_DisposedTwiceOrCopied_ReleasesOnce()
    {
        OnThread.Run(() =>
        {
            var semaphore = new GreenSemaphore(1, maxCount: 1);
            GreenSemaphore.Releaser scope = semaphore.Enter();
            GreenSemaphore.Releaser copy = scope;
            scope.Dispose();

            // A bounded semaphore would throw SemaphoreFullException on a second release.
            scope.Dispose();
            copy.Dispose();
            Assert.Equal(1, semaphore.CurrentCount);
            using (semaphore.Enter())
            {
                scope.Dispose();
                Assert.Equal(0, semaphore.CurrentCount);
            }

            Assert.Equal(1, semaphore.CurrentCount);
        });
    }

    [Fact]
    public void EnterWithTimeout_NoPermit_ThrowsGreenTimeoutAndTakesNothing()
    {
        OnThread.Run(() =>
        {
            var semaphore = new GreenSemaphore(0);
            Assert.Throws<GreenTimeoutException>(() => semaphore.Enter(TimeSpan.FromMilliseconds(1)));
            Assert.Throws<ArgumentOutOfRangeException>(() => semaphore.Enter(TimeSpan.FromSeconds(-3)));
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            Assert.Throws<OperationCanceledException>(() => semaphore.Enter(cts.Token));
            semaphore.Release();
            Assert.Equal(1, semaphore.CurrentCount);
        });
    }

    [Fact]
    public void SemaphoreReleaser_BoundedDisposedFromAnotherThread_ThrowsAndOwnerCanStillRelease()
    {
        OnThread.Run(() =>
        {
            var semaphore = new GreenSemaphore(1, maxCount: 1);
            GreenSemaphore.Releaser scope = semaphore.Enter();
            Exception? error = null;
            var other = new Thread(() => error = Record.Exception(scope.Dispose));
            other.Start();
            Assert.True(other.Join(TestTimeouts.Unexpected));
            Assert.IsType<GreenletError>(error);
            Assert.Equal(0, semaphore.CurrentCount);
            scope.Dispose();
            Assert.Equal(1, semaphore.CurrentCount);
        });
    }
}
