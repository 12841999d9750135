namespace Greenlets.Tests;

/// <summary>Hub.Wait(Task/ValueTask) on a thread with a SynchronizationContext that nobody pumps while the hub waits
/// (a UI thread, Nito's AsyncContext): the documented deadlock, its token escape, and the two ways that work.</summary>
public class SynchronizationContextTests
{
    [Fact]
    public void Wait_MainGreenletOnContextThreadWithCapturingAwait_NeverCompletesUntilTheContextRuns()
    {
        OnThread.Run(() =>
        {
            var context = new QueueContext();
            SynchronizationContext.SetSynchronizationContext(context);
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task work = AwaitCapturing(gate.Task);
            SynchronizationContext.SetSynchronizationContext(null);

            // The continuation is posted to the context, whose thread sits in the hub: only the token ends the wait.
            using var cts = new CancellationTokenSource();
            Hub.Spawn(() =>
            {
                gate.SetResult();
                Hub.Wait(context.Posted);
                cts.Cancel();
            });
            Assert.Throws<OperationCanceledException>(() => Hub.Wait(work, cts.Token));
            Assert.False(work.IsCompleted);

            // Pumping the context (what its owner would do) lets the async method finish.
            context.RunAll();
            Hub.Wait(work);
            Assert.True(work.IsCompletedSuccessfully);
        });
    }

    [Fact]
    public void Wait_ConfigureAwaitFalse_CompletesOnContextThread()
    {
        OnThread.Run(() =>
        {
            SynchronizationContext.SetSynchronizationContext(new QueueContext());
            try
            {
                var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                ValueTask<int> work = AwaitNotCapturing(gate.Task);
                Hub.Spawn(gate.SetResult);
                Assert.Equal(42, Hub.Wait(work));
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(null);
            }
        });
    }

    [Fact]
    public void Wait_FromSpawnedGreenlet_CapturingAwaitCompletesBecauseGreenletsRunWithoutTheContext()
    {
        OnThread.Run(() =>
        {
            SynchronizationContext.SetSynchronizationContext(new QueueContext());
            try
            {
                var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                GreenTask<bool> worker = Hub.Spawn(() =>
                {
                    bool clean = SynchronizationContext.Current is null;
                    Hub.Wait(AwaitCapturing(gate.Task));
                    return clean;
                });
                Hub.Spawn(gate.SetResult);
                Assert.True(worker.Get());
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(null);
            }
        });
    }

    private static async Task AwaitCapturing(Task gate) => await gate;

    private static async ValueTask<int> AwaitNotCapturing(Task gate)
    {
        await gate.ConfigureAwait(false);
        return 42;
    }

    /// <summary>A context that only queues what is posted to it, like a UI thread whose loop is not running.</summary>
    private sealed class QueueContext : SynchronizationContext
    {
        private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();
        private readonly TaskCompletionSource _posted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Posted => _posted.Task;

        public override void Post(SendOrPostCallback d, object? state)
        {
            lock (_queue)
            {
                _queue.Enqueue((d, state));
            }

            _posted.TrySetResult();
        }

        public void RunAll()
        {
            while (true)
            {
                (SendOrPostCallback Callback, object? State) item;
                lock (_queue)
                {
                    if (!_queue.TryDequeue(out item))
                    {
                        return;
                    }
                }

                item.Callback(item.State);
            }
        }
    }
}
