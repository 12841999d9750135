namespace Greenlets.Tests;

/// <summary>Any await is cooperative on the async hub: a raw await of foreign work parks the greenlet and the hub runs
/// the others (DESIGN 2b).</summary>
public class AsyncHubForeignAwaitTests
{
    [Fact]
    public void RawAwait_ForeignTask_OtherGreenletsRunMeanwhileAndItResumesOnTheBaton() => AsyncTestFlow.Run(async () =>
    {
        var log = new List<string>();
        var foreign = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        AsyncGreenTask waiter = AsyncHub.Spawn(async () =>
        {
            log.Add("a awaits");
            await foreign.Task;
            log.Add($"a resumed as {AsyncGreenlet.Current.Name}");
        });
        waiter.Name = "a";
        AsyncGreenTask other = AsyncHub.Spawn(async () =>
        {
            log.Add("b runs");
            await AsyncHub.SleepAsync(0);

            // Completed from another thread, as I/O would be.
            _ = Task.Run(foreign.SetResult);
            log.Add("b done");
        });
        Assert.True(await AsyncHub.JoinAllAsync([waiter, other], TestTimeouts.Unexpected));
        Assert.Equal(["a awaits", "b runs", "b done", "a resumed as a"], log);
    });

    [Fact]
    public void RawAwait_ManyGreenletsOnTaskDelay_NeverOverlapAndAllFinish() => AsyncTestFlow.Run(async () =>
    {
        int running = 0;
        int overlaps = 0;
        int finished = 0;
        var tasks = new List<AsyncGreenTask>();
        for (int i = 0; i < 20; i++)
        {
            tasks.Add(AsyncHub.Spawn(async () =>
            {
                for (int round = 0; round < 5; round++)
                {
                    if (Interlocked.Increment(ref running) != 1)
                    {
                        Interlocked.Increment(ref overlaps);
                    }

                    Interlocked.Decrement(ref running);
                    await Task.Delay(1);
                }

                finished++;
            }));
        }

        // The loop stays alive while greenlets await foreign work: no HubLoopExitException.
        Assert.True(await AsyncHub.JoinAllAsync(tasks, TestTimeouts.Unexpected));
        Assert.Equal(0, overlaps);
        Assert.Equal(20, finished);
    });

    [Fact]
    public void KillAsync_GreenletAwaitingForeignWork_EndsAtOnceAndCancelsItsToken() => AsyncTestFlow.Run(async () =>
    {
        var never = new TaskCompletionSource();
        var started = new GreenEvent();
        CancellationToken token = default;
        AsyncGreenTask task = AsyncHub.Spawn(async () =>
        {
            token = ((AsyncGreenTask)AsyncGreenlet.Current).CancellationToken;
            started.Set();
            await never.Task;
        });
        await started.WaitAsync();
        await AsyncHub.SleepAsync(0);
        await task.KillAsync();
        Assert.True(task.IsReady);
        Assert.True(task.IsSuccessful);
        Assert.True(token.IsCancellationRequested);
    });

    [Fact]
    public void ConfigureAwaitFalse_ThenAHubWait_ThrowsGreenletErrorNamingIt() => AsyncTestFlow.Run(async () =>
    {
        AsyncHub.Current.UnhandledException += (_, _) => { };
        AsyncGreenTask task = AsyncHub.Spawn(async () =>
        {
            await Task.Delay(1).ConfigureAwait(false);
            await AsyncHub.SleepAsync(0);
        });
        Assert.True(await task.JoinAsync(TestTimeouts.Unexpected));
        Assert.False(task.IsSuccessful);
        var error = Assert.IsType<GreenletError>(task.Exception);
        Assert.Contains("ConfigureAwait(false)", error.Message);
    });
}
