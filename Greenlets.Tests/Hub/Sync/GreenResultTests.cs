namespace Greenlets.Tests;

public class GreenResultTests
{
    [Fact]
    public void Get_SetLater_ReturnsValue()
    {
        OnThread.Run(() =>
        {
            var result = new GreenResult<string>();
            Hub.Spawn(() => result.Set("hi"));
            Assert.False(result.IsReady);
            Assert.Equal("hi", result.Get());
            Assert.True(result.IsReady);
            Assert.True(result.IsSuccessful);
        });
    }

    [Fact]
    public void Get_SetException_Rethrows()
    {
        OnThread.Run(() =>
        {
            var result = new GreenResult<int>();
            Hub.Spawn(() => result.SetException(new FormatException("bad")));
            Assert.Equal("bad", Assert.Throws<FormatException>(() => result.Get()).Message);
            Assert.IsType<FormatException>(result.Exception);
        });
    }

    [Fact]
    public void Get_Timeout_ThrowsGreenTimeoutException()
    {
        OnThread.Run(() => Assert.Throws<GreenTimeoutException>(() => new GreenResult<int>().Get(TimeSpan.FromMilliseconds(5))));
    }

    [Fact]
    public void Get_NothingCanSet_ThrowsHubLoopExit()
    {
        OnThread.Run(() => Assert.Throws<HubLoopExitException>(() => new GreenResult<int>().Get()));
    }

    [Fact]
    public void Set_FromOtherThread_WakesGetter()
    {
        // gevent TestAsyncResultCrossThread.
        OnThread.Run(() =>
        {
            var result = new GreenResult<int>();
            var thread = new Thread(() => result.Set(7));
            Hub.Spawn(thread.Start);
            Assert.Equal(7, result.Get(TestTimeouts.Unexpected));
            thread.Join();
        });
    }

    [Fact]
    public void Link_ToResult_CopiesTaskValue()
    {
        // gevent TestLink.test_link_to_asyncresult.
        OnThread.Run(() =>
        {
            var result = new GreenResult<object?>();
            GreenTask<int> task = Hub.Spawn(() => 3);
            task.Link(t => result.Set(t.Value));
            Assert.Equal(3, result.Get());
        });
    }
}
