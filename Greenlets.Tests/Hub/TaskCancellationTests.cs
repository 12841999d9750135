namespace Greenlets.Tests;

/// <summary>The task's cancellation token and the waits that pass one, on both hubs: a kill or a timeout cancels the
/// .NET operation the greenlet waited for, instead of abandoning it.</summary>
public class TaskCancellationTests
{
    [Fact]
    public void HubWait_KillWhileWaiting_CancelsTheTokenAndReturnsAtOnce() => OnThread.Run(() =>
    {
        CancellationToken seen = default;
        Task? operation = null;
        GreenTask task = Hub.Spawn(() => Hub.Wait(ct =>
        {
            seen = ct;
            return operation = Task.Delay(Timeout.InfiniteTimeSpan, ct);
        }));
        Hub.Sleep(0);
        Assert.False(seen.IsCancellationRequested);
        task.Kill();
        Assert.True(task.IsReady);
        Assert.True(seen.IsCancellationRequested);
        Assert.True(operation!.IsCanceled);
    });

    [Fact]
    public void HubWait_Timeout_CancelsTheOperation() => OnThread.Run(() =>
    {
        Task? operation = null;
        using (var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(1)))
        {
            Assert.Throws<GreenTimeoutException>(() => Hub.Wait(ct => operation = Task.Delay(Timeout.InfiniteTimeSpan, ct)));
        }

        Assert.True(operation!.IsCanceled);
    });

    [Fact]
    public void HubWaitOfT_OperationCompletes_ReturnsItsResult() => OnThread.Run(() =>
    {
        Assert.Equal(4, Hub.Wait(ct => Task.Run(() => 4, ct)));
        Assert.Throws<ArgumentNullException>(() => Hub.Wait((Func<CancellationToken, Task>)null!));
    });

    [Fact]
    public void GreenTaskToken_Kill_IsCancelled() => OnThread.Run(() =>
    {
        GreenTask task = Hub.Spawn(() => Hub.Sleep(Timeout.InfiniteTimeSpan));
        CancellationToken token = task.CancellationToken;
        Hub.Sleep(0);
        Assert.False(token.IsCancellationRequested);
        task.Kill();
        Assert.True(token.IsCancellationRequested);
        Assert.True(task.CancellationToken.IsCancellationRequested);
    });

    [Fact]
    public void GreenTaskToken_TimeoutFiresInTheTask_IsCancelled() => OnThread.Run(() =>
    {
        CancellationToken token = default;
        GreenTask task = Hub.Spawn(() =>
        {
            token = ((GreenTask)Greenlet.Current).CancellationToken;
            using var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(1));
            Hub.Sleep(Timeout.InfiniteTimeSpan);
        });
        task.Join();
        Assert.IsType<GreenTimeoutException>(task.Exception);
        Assert.True(token.IsCancellationRequested);
    });

    [Fact]
    public void AsyncHubWait_KillWhileWaiting_CancelsTheTokenAndReturnsAtOnce() => AsyncTestFlow.Run(async () =>
    {
        CancellationToken seen = default;
        Task? operation = null;
        AsyncGreenTask task = AsyncHub.Spawn(() => AsyncHub.WaitAsync(ct =>
        {
            seen = ct;
            return operation = Task.Delay(Timeout.InfiniteTimeSpan, ct);
        }));
        await AsyncHub.SleepAsync(0);
        Assert.False(seen.IsCancellationRequested);
        await task.KillAsync();
        Assert.True(task.IsReady);
        Assert.True(seen.IsCancellationRequested);
        Assert.True(operation!.IsCanceled);
    });

    [Fact]
    public void AsyncGreenTaskToken_KillAndTimeout_AreCancelled() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenTask killed = AsyncHub.Spawn(() => AsyncHub.SleepAsync(Timeout.InfiniteTimeSpan));
        CancellationToken killedToken = killed.CancellationToken;
        CancellationToken timedOutToken = default;
        AsyncGreenTask timedOut = AsyncHub.Spawn(async () =>
        {
            timedOutToken = ((AsyncGreenTask)AsyncGreenlet.Current).CancellationToken;
            using var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(1));
            await AsyncHub.SleepAsync(Timeout.InfiniteTimeSpan);
        });
        await AsyncHub.SleepAsync(0);
        await killed.KillAsync();
        Assert.True(killedToken.IsCancellationRequested);
        await timedOut.JoinAsync();
        Assert.IsType<GreenTimeoutException>(timedOut.Exception);
        Assert.True(timedOutToken.IsCancellationRequested);
    });

    [Fact]
    public void AsyncHubWaitOfT_OperationCompletes_ReturnsItsResult() => AsyncTestFlow.Run(async () =>
    {
        Assert.Equal(4, await AsyncHub.WaitAsync(ct => Task.Run(() => 4, ct)));
    });
}
