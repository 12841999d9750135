namespace Greenlets.Tests;

/// <summary>Groups and pools holding <see cref="AsyncGreenTask"/> members on an async hub.</summary>
public class GreenGroupAsyncTests
{
    [Fact]
    public void Add_AsyncTasks_CountedAndJoined() => AsyncTestFlow.Run(async () =>
    {
        var group = new GreenGroup();
        AsyncGreenTask<int> one = AsyncHub.Spawn(async () =>
        {
            await AsyncHub.SleepAsync(0);
            return 1;
        });
        group.Add(one);
        AsyncGreenTask plain = AsyncHub.Spawn(async () => await AsyncHub.SleepAsync(0));
        group.Add(plain);
        Assert.Equal(2, group.Count);
        Assert.Equal(2, group.AsyncMembers.Count);
        Assert.Empty(group);
        Assert.True(group.Contains(one));
        Assert.True(await group.JoinAsync());
        Assert.Equal(0, group.Count);
        Assert.Equal(1, one.Value);
        Assert.True(plain.IsSuccessful);
    });

    [Fact]
    public void Spawn_AsyncLambdas_AreAsyncMembersWithTheirValues() => AsyncTestFlow.Run(async () =>
    {
        var group = new GreenGroup();
        var order = new List<string>();
        AsyncGreenTask plain = group.Spawn(async () =>
        {
            order.Add("plain");
            await AsyncHub.SleepAsync(0);
        });
        AsyncGreenTask<int> valued = group.Spawn(async () =>
        {
            order.Add("valued");
            await AsyncHub.SleepAsync(0);
            return 42;
        });
        Assert.Equal(2, group.AsyncMembers.Count);
        Assert.Empty(order);
        Assert.True(await group.JoinAsync());
        Assert.Equal(["plain", "valued"], order);
        Assert.True(plain.IsSuccessful);
        Assert.Equal(42, await valued.GetAsync());
    });

    [Fact]
    public void Spawn_FullPool_ThrowsBeforeMakingATask() => AsyncTestFlow.Run(async () =>
    {
        var pool = new GreenPool(1);
        AsyncGreenTask first = pool.Spawn(async () => await AsyncHub.SleepAsync(Timeout.InfiniteTimeSpan));
        bool ran = false;
        Assert.Throws<InvalidOperationException>(() => pool.Spawn(async () =>
        {
            ran = true;
            await AsyncHub.SleepAsync(0);
        }));
        Assert.Equal(1, pool.Count);
        await first.KillAsync();
        Assert.True(await pool.JoinAsync());
        Assert.False(ran);
        Assert.Throws<ArgumentNullException>(() => pool.Spawn((Func<ValueTask>)null!));
    });

    [Fact]
    public void Spawn_ThrowOnlyLambdaFromThreadCode_ThrowsInvalidOperationNamingTheCast() => OnThread.Run(() =>
    {
        _ = Hub.Current;
        var group = new GreenGroup();

        // C# binds a lambda that only throws to the async overload: from thread code that is refused, loudly.
        var e = Assert.Throws<InvalidOperationException>(() => group.Spawn(() => throw new FormatException()));
        Assert.Contains("(Action)", e.Message);
        Assert.Equal(0, group.Count);
        GreenTask cast = group.Spawn((Action)(() => throw new FormatException()));
        Hub.Current.UnhandledException += (_, _) => { };
        Assert.Throws<FormatException>(() => group.Join(throwOnError: true));
        Assert.False(cast.IsSuccessful);
    });

    [Fact]
    public void JoinAsync_ThrowOnError_RethrowsAMemberFailure() => AsyncTestFlow.Run(async () =>
    {
        var group = new GreenGroup();
        group.Add(AsyncHub.Spawn(() => throw new FormatException("member")));
        await Assert.ThrowsAsync<FormatException>(async () => await group.JoinAsync(throwOnError: true));
    });

    [Fact]
    public void KillAsync_Members_AllFinishAndTheGroupEmpties() => AsyncTestFlow.Run(async () =>
    {
        var group = new GreenGroup();
        var unwound = new List<int>();
        for (int i = 0; i < 3; i++)
        {
            int n = i;
            group.Add(AsyncHub.Spawn(async () =>
            {
                try
                {
                    await AsyncHub.SleepAsync(Timeout.InfiniteTimeSpan);
                }
                finally
                {
                    unwound.Add(n);
                }
            }));
        }

        await AsyncHub.SleepAsync(0);
        await group.KillAsync();
        Assert.Equal(0, group.Count);
        Assert.Equal([0, 1, 2], unwound);
    });

    [Fact]
    public void AddDiscard_AsyncTask_TracksMembership() => AsyncTestFlow.Run(async () =>
    {
        var group = new GreenGroup();
        AsyncGreenTask task = AsyncHub.Spawn(() => AsyncHub.SleepAsync(1));
        group.Add(task);
        group.Add(task);
        Assert.Equal(1, group.Count);
        group.Discard(task);
        Assert.Equal(0, group.Count);
        Assert.True(await group.JoinAsync(TimeSpan.Zero));
        await task.JoinAsync();
    });

    [Fact]
    public void PoolSpawnAsync_Full_WaitsForAFreeSlotInOrder() => AsyncTestFlow.Run(async () =>
    {
        var pool = new GreenPool(2);
        var log = new List<string>();
        var gate = new GreenEvent();
        for (int i = 0; i < 4; i++)
        {
            int n = i;
            await pool.SpawnAsync(async () =>
            {
                log.Add($"start {n}");
                await gate.WaitAsync();
                log.Add($"end {n}");
            });
            log.Add($"spawned {n}");
            if (n == 1)
            {
                Assert.Equal(0, pool.FreeCount);
                gate.Set();
            }
        }

        Assert.True(await pool.JoinAsync());
        Assert.Equal(2, pool.FreeCount);
        // gevent 22.10 (Pool(2).spawn, the same program): the order below.
        Assert.Equal(["spawned 0", "spawned 1", "start 0", "end 0", "start 1", "end 1", "spawned 2", "spawned 3", "start 2", "end 2", "start 3", "end 3"], log);
    });

    [Fact]
    public void PoolAdd_Full_ThrowsAndLeavesTheMembersAlone() => AsyncTestFlow.Run(async () =>
    {
        var pool = new GreenPool(1);
        AsyncGreenTask first = await pool.SpawnAsync(() => AsyncHub.SleepAsync(1));
        Assert.Throws<InvalidOperationException>(() => pool.Add(AsyncHub.Spawn(() => default)));
        Assert.Equal(1, pool.Count);
        Assert.True(await pool.WaitAvailableAsync());
        await first.JoinAsync();
        Assert.Equal(1, pool.FreeCount);
    });
}
