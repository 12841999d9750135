namespace Greenlets.Tests;

/// <summary>
/// Every timeout and delay of the hub layer follows .NET's convention (issue 10 item 13): <see cref="Timeout.InfiniteTimeSpan"/>
/// and -1 ms wait forever, other negatives throw <see cref="ArgumentOutOfRangeException"/> before anything changes.
/// </summary>
public sealed class HubTimeoutConventionTests
{
    private static readonly TimeSpan Negative = TimeSpan.FromMilliseconds(-2);

    public static TheoryData<string> Members() =>
    [
        "Hub.Sleep", "Hub.Sleep(int)", "Hub.SpawnLater", "Hub.JoinAll", "Hub.KillAll", "Hub.WaitAll", "GreenTask.Join",
        "GreenTask.Get", "GreenTask.Kill", "GreenTask.StartLater", "GreenTimeout", "GreenEvent.Wait", "GreenResult.Wait",
        "GreenResult.Get", "GreenQueue.Put", "GreenQueue.Get", "GreenQueue.Join", "GreenSemaphore.Acquire",
        "GreenLock.Acquire", "GreenGroup.Join", "GreenGroup.Kill", "GreenPool.WaitAvailable",
    ];

    [Theory]
    [MemberData(nameof(Members))]
    public void Member_NegativeTimeout_ThrowsArgumentOutOfRangeAndChangesNothing(string member) => OnThread.Run(() =>
    {
        var task = Hub.Spawn(() => { });
        var queue = new GreenQueue<int>(1);
        var group = new GreenGroup();
        bool ran = false;
        Action call = member switch
        {
            "Hub.Sleep" => () => Hub.Sleep(Negative),
            "Hub.Sleep(int)" => () => Hub.Sleep(-2),
            "Hub.SpawnLater" => () => Hub.SpawnLater(Negative, () => ran = true),
            "Hub.JoinAll" => () => Hub.JoinAll([task], Negative),
            "Hub.KillAll" => () => Hub.KillAll([task], timeout: Negative),
            "Hub.WaitAll" => () => Hub.WaitAll(Negative),
            "GreenTask.Join" => () => task.Join(Negative),
            "GreenTask.Get" => () => task.Get(Negative),
            "GreenTask.Kill" => () => task.Kill(timeout: Negative),
            "GreenTask.StartLater" => () => new GreenTask(() => ran = true).StartLater(Negative),
            "GreenTimeout" => () => new GreenTimeout(Negative).Dispose(),
            "GreenEvent.Wait" => () => new GreenEvent().Wait(Negative),
            "GreenResult.Wait" => () => new GreenResult<int>().Wait(Negative),
            "GreenResult.Get" => () => new GreenResult<int>().Get(Negative),
            "GreenQueue.Put" => () => queue.Put(1, Negative),
            "GreenQueue.Get" => () => queue.Get(Negative),
            "GreenQueue.Join" => () => queue.Join(Negative),
            "GreenSemaphore.Acquire" => () => new GreenSemaphore(1).Acquire(Negative),
            "GreenLock.Acquire" => () => new GreenLock().Acquire(Negative),
            "GreenGroup.Join" => () => group.Join(Negative),
            "GreenGroup.Kill" => () => group.Kill(timeout: Negative),
            "GreenPool.WaitAvailable" => () => new GreenPool(1).WaitAvailable(Negative),
            _ => throw new ArgumentException(member),
        };
        Assert.Throws<ArgumentOutOfRangeException>(call);
        Assert.Equal(0, queue.Count);
        Assert.False(ran);
        Assert.True(task.Join(TestTimeouts.Unexpected));
    });

    [Fact]
    public void Sleep_Infinite_WaitsUntilKilled()
    {
        OnThread.Run(() =>
        {
            GreenTask byTimeSpan = Hub.Spawn(() => Hub.Sleep(Timeout.InfiniteTimeSpan));
            GreenTask byMilliseconds = Hub.Spawn(() => Hub.Sleep(Timeout.Infinite));
            Hub.Sleep(TimeSpan.Zero);
            Hub.Sleep(TimeSpan.Zero);
            Assert.False(byTimeSpan.IsReady);
            Assert.False(byMilliseconds.IsReady);
            Hub.KillAll([byTimeSpan, byMilliseconds]);
            Assert.True(byTimeSpan.IsSuccessful);
            Assert.True(byMilliseconds.IsSuccessful);
        });
    }

    [Fact]
    public void Wait_InfiniteTimeout_WaitsLikeNull()
    {
        OnThread.Run(() =>
        {
            var e = new GreenEvent();
            var queue = new GreenQueue<int>();
            Hub.Spawn(() =>
            {
                e.Set();
                queue.Put(5);
            });
            Assert.True(e.Wait(Timeout.InfiniteTimeSpan));
            Assert.Equal(5, queue.Get(Timeout.InfiniteTimeSpan));
            using (new GreenTimeout(Timeout.InfiniteTimeSpan))
            {
                Hub.Sleep(TimeSpan.Zero);
            }
        });
    }
}
