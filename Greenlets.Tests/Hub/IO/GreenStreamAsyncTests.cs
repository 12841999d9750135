namespace Greenlets.Tests;

/// <summary>GreenStream's asynchronous members: cooperative in async greenlet code (parked in the AsyncHub, the
/// inner operation cancelled when the wait is interrupted), straight through elsewhere.</summary>
public class GreenStreamAsyncTests
{
    [Fact]
    public void ReadAsync_InnerPending_OtherGreenletsRunUntilDataArrives() => AsyncTestFlow.Run(async () =>
    {
        var inner = new ControlledStream();
        var stream = new GreenStream(inner);
        var buffer = new byte[4];
        AsyncGreenTask<int> reader = AsyncHub.Spawn(async () => await stream.ReadAsync(buffer));

        // Were the read a plain await, it would hold the tree's baton and this yield would not come back before it.
        await AsyncHub.SleepAsync(TimeSpan.Zero);
        ControlledStream.Operation read = Assert.Single(inner.Operations);
        Assert.False(reader.IsReady);
        "abc"u8.CopyTo(read.Buffer.Span);
        read.Complete(3);
        Assert.Equal(3, await reader.GetAsync(TestTimeouts.Unexpected));
        Assert.Same(buffer, read.Array);
    });

    [Fact]
    public void ReadAsync_KilledWhileInnerReadPending_WaitEndsAtOnceReadCancelledStreamFaulted() => AsyncTestFlow.Run(async () =>
    {
        var inner = new ControlledStream();
        var stream = new GreenStream(inner);
        AsyncGreenTask<int> reader = AsyncHub.Spawn(async () => await stream.ReadAsync(new byte[16]));
        await AsyncHub.SleepAsync(TimeSpan.Zero);
        ControlledStream.Operation read = Assert.Single(inner.Operations);
        Assert.False(read.Token.IsCancellationRequested);

        await reader.KillAsync(timeout: TestTimeouts.Unexpected);
        Assert.True(reader.IsReady);
        Assert.True(read.Token.IsCancellationRequested);
        Assert.False(read.Task.IsCompleted);
        await Assert.ThrowsAsync<IOException>(async () => Assert.Fail($"read {await stream.ReadAsync(new byte[1])}"));
        await Assert.ThrowsAsync<IOException>(async () => await stream.WriteAsync(new byte[1]));
        Assert.Single(inner.Operations);
        read.Complete(0);
    });

    [Fact]
    public void WriteAsync_UnderGreenTimeout_RaisesTimeoutAndCancelsWrite() => AsyncTestFlow.Run(async () =>
    {
        var inner = new ControlledStream();
        var stream = new GreenStream(inner);
        GreenTimeout? timeout = null;
        AsyncGreenTask<GreenTimeoutException?> writer = AsyncHub.Spawn(async () =>
        {
            using (timeout = new GreenTimeout(TimeSpan.FromMilliseconds(1)))
            {
                try
                {
                    await stream.WriteAsync(new byte[8]);
                }
                catch (GreenTimeoutException e)
                {
                    return e;
                }
            }

            return null;
        });
        GreenTimeoutException? raised = await writer.GetAsync(TestTimeouts.Unexpected);
        Assert.NotNull(raised);
        Assert.Same(timeout, raised.Timeout);
        ControlledStream.Operation write = Assert.Single(inner.Operations);
        Assert.True(write.Token.IsCancellationRequested);
        await Assert.ThrowsAsync<IOException>(() => stream.FlushAsync());
        write.Complete(8);
    });

    [Fact]
    public void ReadAsync_CallerTokenCancelled_InnerTokenCancelledStreamStillUsable() => AsyncTestFlow.Run(async () =>
    {
        var inner = new ControlledStream();
        var stream = new GreenStream(inner);
        using var cancel = new CancellationTokenSource();
        AsyncGreenTask<int> reader = AsyncHub.Spawn(async () => await stream.ReadAsync(new byte[16], cancel.Token));
        await AsyncHub.SleepAsync(TimeSpan.Zero);
        ControlledStream.Operation read = Assert.Single(inner.Operations);
        cancel.Cancel();
        Assert.True(read.Token.IsCancellationRequested);

        // The inner stream reports its own outcome (this one ignores the token and completes): not an interruption.
        read.Complete(0);
        Assert.Equal(0, await reader.GetAsync(TestTimeouts.Unexpected));
        inner.CompleteSynchronously = true;
        Assert.Equal(0, await stream.ReadAsync(new byte[1]));
    });

    [Fact]
    public void ReadAsync_OutsideAnyAsyncHub_PassesStraightThrough()
    {
        var inner = new ControlledStream();
        var stream = new GreenStream(inner);
        using var cancel = new CancellationTokenSource();
        ValueTask<int> read = stream.ReadAsync(new byte[1], cancel.Token);
        ControlledStream.Operation operation = Assert.Single(inner.Operations);
        Assert.Equal(cancel.Token, operation.Token);
        operation.Complete(0);
        Assert.True(read.IsCompletedSuccessfully);
    }
}
