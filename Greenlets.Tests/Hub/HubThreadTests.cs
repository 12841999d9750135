namespace Greenlets.Tests;

public class HubThreadTests
{
    [Fact]
    public async Task InvokeAsync_FromAsyncCode_RunsInHubAndReturnsResult()
    {
        await using var thread = new HubThread();
        int result = await thread.InvokeAsync(() =>
        {
            Assert.Same(thread.Hub, Hub.Current);
            GreenTask<int> inner = Hub.Spawn(() =>
            {
                Hub.Sleep(1);
                return 21;
            });
            return inner.Get() * 2;
        }).WaitAsync(TestTimeouts.Unexpected);
        Assert.Equal(42, result);
    }

    [Fact]
    public async Task InvokeAsync_Action_CompletesAfterBody()
    {
        await using var thread = new HubThread();
        bool ran = false;
        await thread.InvokeAsync(() =>
        {
            Hub.Sleep(TimeSpan.Zero);
            ran = true;
        }).WaitAsync(TestTimeouts.Unexpected);
        Assert.True(ran);
    }

    [Fact]
    public async Task InvokeAsync_BodyThrows_TaskFaultsAndHubDoesNotReport()
    {
        await using var thread = new HubThread();
        int reported = 0;
        thread.Hub.UnhandledException += (_, _) => Interlocked.Increment(ref reported);
        await Assert.ThrowsAsync<FormatException>(() => thread.InvokeAsync(() => throw new FormatException()).WaitAsync(TestTimeouts.Unexpected));
        await thread.StopAsync();
        Assert.Equal(0, reported);
    }

    [Fact]
    public async Task InvokeAsync_FlowsCallersExecutionContext()
    {
        var local = new AsyncLocal<string>();
        local.Value = "caller";
        await using var thread = new HubThread();
        Assert.Equal("caller", await thread.InvokeAsync(() => local.Value).WaitAsync(TestTimeouts.Unexpected));
    }

    [Fact]
    public async Task InvokeAsync_ManyThreads_EachRunsOnce()
    {
        await using var thread = new HubThread();
        int runs = 0;
        Task[] posts = [.. Enumerable.Range(0, 200).Select(_ => Task.Run(() => thread.InvokeAsync(() => runs++)))];
        await Task.WhenAll(posts).WaitAsync(TestTimeouts.Unexpected);
        Assert.Equal(200, await thread.InvokeAsync(() => runs).WaitAsync(TestTimeouts.Unexpected));
    }

    [Fact]
    public async Task InvokeAsync_FromOwnTree_SpawnsDirectly()
    {
        await using var thread = new HubThread();
        int value = await thread.InvokeAsync(() => Hub.Wait(Hub.Current.InvokeAsync(() => 7))).WaitAsync(TestTimeouts.Unexpected);
        Assert.Equal(7, value);
    }

    [Fact]
    public void InvokeAsync_Null_Throws()
    {
        using var thread = new HubThread();
        Assert.Throws<ArgumentNullException>(() => { _ = thread.InvokeAsync(null!); });
        Assert.Throws<ArgumentNullException>(() => { _ = thread.InvokeAsync<int>(null!); });
    }

    [Fact]
    public async Task StopAsync_TaskStillWaiting_KillsItWithGreenletExitAndCancelsInvoke()
    {
        var thread = new HubThread();
        var entered = new TaskCompletionSource();
        bool unwound = false;
        Task<int> forever = thread.InvokeAsync(() =>
        {
            try
            {
                entered.SetResult();
                new GreenEvent().Wait();
                return 1;
            }
            finally
            {
                unwound = true;
            }
        });
        await entered.Task.WaitAsync(TestTimeouts.Unexpected);
        await thread.StopAsync().WaitAsync(TestTimeouts.Unexpected);
        Assert.True(thread.IsStopped);
        Assert.True(unwound);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => forever);
        Assert.True(thread.Hub.IsDead);
    }

    [Fact]
    public async Task StopAsync_TaskSurvivesFirstKill_IsKilledAgain()
    {
        var thread = new HubThread();
        var entered = new TaskCompletionSource();
        int kills = 0;
        _ = thread.InvokeAsync(() =>
        {
            entered.SetResult();
            try
            {
                new GreenEvent().Wait();
            }
            catch (GreenletExit)
            {
                kills++;
            }

            try
            {
                new GreenEvent().Wait();
            }
            catch (GreenletExit)
            {
                kills++;
            }
        });
        await entered.Task.WaitAsync(TestTimeouts.Unexpected);
        await thread.StopAsync().WaitAsync(TestTimeouts.Unexpected);
        Assert.Equal(2, kills);
    }

    [Fact]
    public async Task InvokeAsync_AfterStop_Faults()
    {
        var thread = new HubThread();
        await thread.StopAsync().WaitAsync(TestTimeouts.Unexpected);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => thread.InvokeAsync(() => { }));
    }

    [Fact]
    public void Dispose_Twice_JoinsOnce()
    {
        var thread = new HubThread();
        thread.Dispose();
        thread.Dispose();
        Assert.True(thread.IsStopped);
    }

    [Fact]
    public async Task Dispose_FromOwnHub_ThrowsAndStopAsyncWorks()
    {
        var thread = new HubThread();
        Exception? error = await thread.InvokeAsync(() => Record.Exception(thread.Dispose)).WaitAsync(TestTimeouts.Unexpected);
        Assert.IsType<InvalidOperationException>(error);
        Assert.False(thread.IsStopped);
        Task stop = await thread.InvokeAsync(thread.StopAsync).WaitAsync(TestTimeouts.Unexpected);
        await stop.WaitAsync(TestTimeouts.Unexpected);
        Assert.True(thread.IsStopped);
    }
}
