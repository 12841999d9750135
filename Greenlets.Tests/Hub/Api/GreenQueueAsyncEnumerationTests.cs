namespace Greenlets.Tests;

/// <summary><see cref="GreenQueue{T}.GetConsumingAsyncEnumerable"/> and the token overloads of <c>PutAsync</c>/<c>GetAsync</c>
/// on the async hub: the async mirror of the consuming enumeration, on the same wait core.</summary>
public class GreenQueueAsyncEnumerationTests
{
    [Fact]
    public void GetConsumingAsyncEnumerable_CompletedWithItems_DrainsThenEnds() => OnAsyncHub(async () =>
    {
        var queue = new GreenQueue<int>();
        await queue.PutAsync(1);
        await queue.PutAsync(2);
        await queue.PutAsync(3);
        queue.Complete();
        var seen = new List<int>();
        await foreach (int item in queue.GetConsumingAsyncEnumerable())
        {
            seen.Add(item);
        }

        Assert.Equal([1, 2, 3], seen);
    });

    [Fact]
    public void GetConsumingAsyncEnumerable_ConsumerParkedWhenCompleted_EndsWithoutException() => OnAsyncHub(async () =>
    {
        var queue = new GreenQueue<string>(maxSize: 1);
        var seen = new List<string>();
        AsyncGreenTask consumer = AsyncHub.Spawn(async () =>
        {
            await foreach (string item in queue.GetConsumingAsyncEnumerable())
            {
                seen.Add(item);
            }
        });
        await AsyncHub.SleepAsync(TimeSpan.Zero);
        await queue.PutAsync("a");
        queue.Complete();
        Assert.True(await consumer.JoinAsync());
        Assert.True(consumer.IsSuccessful);
        Assert.Equal(["a"], seen);
    });

    [Fact]
    public void GetConsumingAsyncEnumerable_CancelledMidWait_ThrowsOperationCanceledAndKeepsLaterItems() => OnAsyncHub(async () =>
    {
        var queue = new GreenQueue<int>();
        using var cts = new CancellationTokenSource();
        var seen = new List<int>();

        // WithCancellation reaches the loop only through [EnumeratorCancellation].
        AsyncGreenTask consumer = AsyncHub.Spawn(async () =>
        {
            await foreach (int item in queue.GetConsumingAsyncEnumerable().WithCancellation(cts.Token))
            {
                seen.Add(item);
            }
        });
        await queue.PutAsync(1);
        await AsyncHub.SleepAsync(TimeSpan.Zero);
        Assert.Equal([1], seen);

        // The consumer is parked on the empty queue now: the cancellation ends that wait.
        await cts.CancelAsync();
        Assert.True(await consumer.JoinAsync(TestTimeouts.Unexpected));
        Assert.IsAssignableFrom<OperationCanceledException>(consumer.Exception);

        // The cancelled wait left the getters: the next item stays for whoever comes.
        await queue.PutAsync(2);
        Assert.Equal(1, queue.Count);
        Assert.Equal(2, await queue.GetAsync());
    });

    [Fact]
    public void GetConsumingAsyncEnumerable_SeveralConsumers_ShareEveryItemOnce() => OnAsyncHub(async () =>
    {
        var queue = new GreenQueue<int>();
        var taken = new List<int>[3];
        AsyncGreenTask[] consumers = new AsyncGreenTask[taken.Length];
        for (int c = 0; c < taken.Length; c++)
        {
            List<int> mine = taken[c] = [];
            consumers[c] = AsyncHub.Spawn(async () =>
            {
                await foreach (int item in queue.GetConsumingAsyncEnumerable())
                {
                    mine.Add(item);

                    // The work on an item lets the others run, so they take the next items.
                    await AsyncHub.SleepAsync(TimeSpan.Zero);
                }
            });
        }

        await AsyncHub.SleepAsync(TimeSpan.Zero);
        for (int i = 1; i <= 9; i++)
        {
            await queue.PutAsync(i);
        }

        queue.Complete();
        Assert.True(await AsyncHub.JoinAllAsync(consumers, TestTimeouts.Unexpected, throwOnError: true));
        Assert.All(taken, mine => Assert.NotEmpty(mine));
        Assert.Equal(Enumerable.Range(1, 9), taken.SelectMany(mine => mine).Order());
    });

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    public void GetConsumingAsyncEnumerable_ConsumerKilledAfterTheHandOver_ItemGoesToTheOtherConsumer(int? maxSize) => OnAsyncHub(async () =>
    {
        // The give-back rule: woken with an item but killed before it ran, the consumer passes the item on.
        var queue = new GreenQueue<int>(maxSize);
        var second = new List<int>();
        AsyncGreenTask first = AsyncHub.Spawn(async () =>
        {
            await foreach (int item in queue.GetConsumingAsyncEnumerable())
            {
                Assert.Fail($"the killed consumer took {item}");
            }
        });
        AsyncGreenTask other = AsyncHub.Spawn(async () =>
        {
            await foreach (int item in queue.GetConsumingAsyncEnumerable())
            {
                second.Add(item);
            }
        });
        await AsyncHub.SleepAsync(TimeSpan.Zero);
        bool killed = false;
        AsyncGreenlet.SetTrace((_, _, to) =>
        {
            if (!killed && to == first)
            {
                killed = true;
                throw new GreenletExit();
            }
        });
        try
        {
            if (maxSize == 0)
            {
                // A channel's put waits for a getter's take: here the other consumer's.
                await queue.PutAsync(7, TestTimeouts.Unexpected);
            }
            else
            {
                await queue.PutAsync(7);
                await AsyncHub.SleepAsync(TimeSpan.Zero);
            }

            Assert.True(await first.JoinAsync(TestTimeouts.Unexpected));
        }
        finally
        {
            AsyncGreenlet.SetTrace(null);
        }

        Assert.True(killed);
        Assert.True(first.IsSuccessful);
        queue.Complete();
        Assert.True(await other.JoinAsync(TestTimeouts.Unexpected));
        Assert.Equal([7], second);
    });

    [Fact]
    public void PutAsync_TokenCancelledBefore_ThrowsBeforePutting() => OnAsyncHub(async () =>
    {
        var queue = new GreenQueue<int>();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await queue.PutAsync(1, null, cts.Token));
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.UnfinishedTasks);
        await queue.PutAsync(2);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await queue.GetAsync(null, cts.Token));
        Assert.Equal(1, queue.Count);
    });

    [Fact]
    public void GetAsync_NegativeTimeoutWithToken_ThrowsArgumentOutOfRangeBeforeWaiting() => OnAsyncHub(async () =>
    {
        var queue = new GreenQueue<int>();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await queue.GetAsync(TimeSpan.FromSeconds(-2), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await queue.PutAsync(1, TimeSpan.FromSeconds(-2), CancellationToken.None));
        Assert.Equal(0, queue.Count);
    });

    [Fact]
    public void GetAsync_TokenCancelledWhileWaiting_ThrowsAndTheNextPutStaysQueued() => OnAsyncHub(async () =>
    {
        var queue = new GreenQueue<int>();
        using var cts = new CancellationTokenSource();
        AsyncGreenTask<int> getter = AsyncHub.Spawn(() => queue.GetAsync(null, cts.Token));
        await AsyncHub.SleepAsync(TimeSpan.Zero);
        await cts.CancelAsync();
        Assert.True(await getter.JoinAsync(TestTimeouts.Unexpected));
        Assert.IsAssignableFrom<OperationCanceledException>(getter.Exception);
        await queue.PutAsync(5);
        Assert.Equal(1, queue.Count);
    });

    [Fact]
    public void GetConsumingAsyncEnumerable_QueueOfAThreadHub_ThrowsGreenletErrorAndTakesNothing()
    {
        var queue = new GreenQueue<int>();
        OnThread.Run(() =>
        {
            // A get binds the queue to this thread's hub (an unbounded put alone does not: it is a fire member).
            Assert.False(queue.TryGet(out _, TimeSpan.Zero));
            queue.Put(1);
        });
        OnAsyncHub(async () =>
        {
            await Assert.ThrowsAsync<GreenletError>(async () =>
            {
                await foreach (int item in queue.GetConsumingAsyncEnumerable())
                {
                    Assert.Fail($"took {item} from another hub's queue");
                }
            });
            Assert.Equal(1, queue.Count);
        });
    }

    // The entry point touches the hub first: outside code of the flow is then its main greenlet.
    private static void OnAsyncHub(Func<ValueTask> body) => AsyncTestFlow.Run(async () =>
    {
        _ = AsyncHub.Current;
        await body();
    });
}
