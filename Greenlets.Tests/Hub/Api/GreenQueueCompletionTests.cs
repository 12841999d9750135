namespace Greenlets.Tests;

/// <summary>Completion, the consuming enumeration, the timed Try* members and the distinct full/empty/completed outcomes.</summary>
public class GreenQueueCompletionTests
{
    [Fact]
    public void Get_CompletedWithItems_DrainsThenThrowsCompleted()
    {
        OnThread.Run(() =>
        {
            var queue = new GreenQueue<int>();
            queue.Put(1);
            queue.Put(2);
            queue.Complete();
            Assert.True(queue.IsCompleted);
            Assert.Equal(1, queue.Get());
            Assert.Equal(2, queue.Get());
            Assert.Throws<GreenQueueCompletedException>(() => queue.Get());
            Assert.False(queue.TryGet(out _));
            Assert.False(queue.TryGet(out _, Timeout.InfiniteTimeSpan));
        });
    }

    [Fact]
    public void Put_Completed_ThrowsCompletedAndTryPutReturnsFalse()
    {
        OnThread.Run(() =>
        {
            var queue = new GreenQueue<int>(maxSize: 3);
            queue.Complete();
            queue.Complete();
            Assert.Throws<GreenQueueCompletedException>(() => queue.Put(1));
            Assert.False(queue.TryPut(1));
            Assert.False(queue.TryPut(1, TimeSpan.FromSeconds(1)));
            Assert.Equal(0, queue.Count);
            Assert.Equal(0, queue.UnfinishedTasks);
        });
    }

    [Fact]
    public void Complete_GettersWaiting_EveryGetterGetsCompleted()
    {
        OnThread.Run(() =>
        {
            var queue = new GreenQueue<string>();
            GreenTask<string>[] getters = [.. Enumerable.Range(0, 3).Select(_ => Hub.Spawn(() => queue.Get()))];
            GreenTask<bool> tryGetter = Hub.Spawn(() => queue.TryGet(out _, Timeout.InfiniteTimeSpan));
            Hub.Sleep(0);
            queue.Complete();
            foreach (GreenTask<string> getter in getters)
            {
                Assert.Throws<GreenQueueCompletedException>(() => getter.Get());
            }

            Assert.False(tryGetter.Get());
        });
    }

    [Fact]
    public void Complete_PutterWaitingForRoom_PutterRefusedAndBufferedItemsStillDelivered()
    {
        OnThread.Run(() =>
        {
            var queue = new GreenQueue<int>(maxSize: 1);
            queue.Put(1);
            GreenTask putter = Hub.Spawn(() => queue.Put(2));
            Hub.Sleep(0);
            queue.Complete();
            Hub.Sleep(0);
            Assert.Throws<GreenQueueCompletedException>(() => putter.Get());
            Assert.Equal([1], queue.GetConsumingEnumerable().ToList());
        });
    }

    [Fact]
    public void GetConsumingEnumerable_ProducerCompletes_ConsumerSeesEveryItemInOrderThenEnds()
    {
        OnThread.Run(() =>
        {
            var queue = new GreenQueue<int>(maxSize: 2);
            GreenTask producer = Hub.Spawn(() =>
            {
                for (int i = 0; i < 10; i++)
                {
                    queue.Put(i);
                }

                queue.Complete();
            });
            var seen = new List<int>();
            foreach (int item in queue.GetConsumingEnumerable())
            {
                seen.Add(item);
            }

            Assert.Equal(Enumerable.Range(0, 10), seen);
            Assert.True(producer.IsSuccessful);
        });
    }

    [Fact]
    public void GetConsumingEnumerable_TwoConsumers_ShareTheItemsAndBothEnd()
    {
        OnThread.Run(() =>
        {
            var queue = new GreenQueue<int>();
            GreenTask<List<int>>[] consumers = [.. Enumerable.Range(0, 2).Select(_ => Hub.Spawn(() => queue.GetConsumingEnumerable().ToList()))];
            Hub.Sleep(0);
            for (int i = 0; i < 6; i++)
            {
                queue.Put(i);
            }

            queue.Complete();
            List<int> all = [.. consumers.SelectMany(c => c.Get())];
            all.Sort();
            Assert.Equal(Enumerable.Range(0, 6), all);
        });
    }

    [Fact]
    public void Complete_Channel_TryPutHandOverStillDeliveredAndWaitingPutterRefused()
    {
        OnThread.Run(() =>
        {
            var channel = new GreenQueue<int>(maxSize: 0);
            GreenTask<int> getter = Hub.Spawn(() => channel.Get());
            Hub.Sleep(0);
            Assert.True(channel.TryPut(5));
            channel.Complete();
            Assert.Equal(5, getter.Get());
            GreenTask putter = Hub.Spawn(() => channel.Put(6));
            Hub.Sleep(0);
            Assert.Throws<GreenQueueCompletedException>(() => putter.Get());
            Assert.Throws<GreenQueueCompletedException>(() => channel.Get());
        });
    }

    [Fact]
    public void Complete_ChannelPutterWaiting_PutterRefused()
    {
        OnThread.Run(() =>
        {
            var channel = new GreenQueue<int>(maxSize: 0);
            GreenTask putter = Hub.Spawn(() => channel.Put(1));
            Hub.Sleep(0);
            channel.Complete();
            Assert.Throws<GreenQueueCompletedException>(() => putter.Get());
            Assert.False(channel.TryGet(out _));
        });
    }

    [Fact]
    public void Complete_FromAnotherThread_PostedAndWakesTheGetter()
    {
        OnThread.Run(() =>
        {
            var queue = new GreenQueue<int>();
            using var waiting = new ManualResetEventSlim();
            Task completer = Task.Run(() =>
            {
                waiting.Wait(TestTimeouts.Unexpected);
                queue.Put(1);
                queue.Complete();
            });
            Hub.Spawn(waiting.Set);

            // The wait on the completer keeps the hub alive until its posts arrive.
            GreenTask<List<int>> consumer = Hub.Spawn(() => queue.GetConsumingEnumerable().ToList());
            Hub.Wait(completer);
            Assert.Equal([1], consumer.Get());
        });
    }

    [Fact]
    public void TryGet_Timeout_ReturnsFalseWithoutException()
    {
        OnThread.Run(() =>
        {
            var queue = new GreenQueue<int>();
            Assert.False(queue.TryGet(out int item, TimeSpan.FromMilliseconds(1)));
            Assert.Equal(0, item);
            Assert.False(queue.IsCompleted);
            Hub.Spawn(() => queue.Put(4));
            Assert.True(queue.TryGet(out item, Timeout.InfiniteTimeSpan));
            Assert.Equal(4, item);
        });
    }

    [Fact]
    public void TryPut_FullUntilTimeout_ReturnsFalseAndWaitsForRoom()
    {
        OnThread.Run(() =>
        {
            var queue = new GreenQueue<int>(maxSize: 1);
            queue.Put(1);
            Assert.False(queue.TryPut(2, TimeSpan.FromMilliseconds(1)));
            Assert.False(queue.TryPut(2, TimeSpan.Zero));
            Hub.Spawn(() => queue.Get());
            Assert.True(queue.TryPut(3, Timeout.InfiniteTimeSpan));
            Assert.Equal(3, queue.Get());
        });
    }

    [Fact]
    public void PutAndGet_TimeoutOrCompleted_ThrowDistinctTypes()
    {
        OnThread.Run(() =>
        {
            // A timeout stays exactly GreenTimeoutException (compatibility); completion is a distinct InvalidOperationException.
            var queue = new GreenQueue<int>(maxSize: 1);
            Assert.Throws<GreenTimeoutException>(() => queue.Get(TimeSpan.Zero));
            queue.Put(1);
            Assert.Throws<GreenTimeoutException>(() => queue.Put(2, TimeSpan.FromMilliseconds(1)));
            queue.Complete();
            Assert.Equal(1, queue.Get());
            GreenQueueCompletedException completed = Assert.Throws<GreenQueueCompletedException>(() => queue.Get(TimeSpan.Zero));
            Assert.IsAssignableFrom<InvalidOperationException>(completed);
            Assert.IsNotAssignableFrom<TimeoutException>(completed);
        });
    }

    [Fact]
    public void TryPutAndTryGet_NegativeTimeout_ThrowBeforeAnythingChanges()
    {
        OnThread.Run(() =>
        {
            var queue = new GreenQueue<int>();
            Assert.Throws<ArgumentOutOfRangeException>(() => queue.TryPut(1, TimeSpan.FromSeconds(-2)));
            Assert.Equal(0, queue.Count);
            queue.Put(1);
            Assert.Throws<ArgumentOutOfRangeException>(() => queue.TryGet(out _, TimeSpan.FromSeconds(-2)));
            Assert.Equal(1, queue.Count);
        });
    }

    [Fact]
    public void GetConsumingEnumerable_FromAnotherThread_ThrowsGreenletError()
    {
        var queue = new GreenQueue<int>();
        OnThread.Run(() => queue.Join());
        OnThread.Run(() => Assert.Throws<GreenletError>(() => queue.GetConsumingEnumerable().First()));
    }
}
