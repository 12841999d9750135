using System.Diagnostics;
using System.Globalization;

namespace Greenlets.Tests;

public class GreenTimeoutTests
{
    [Fact]
    public void Using_BlockWaitsTooLong_RaisesGreenTimeoutExceptionWithItsTimeout()
    {
        OnThread.Run(() =>
        {
            GreenTimeout? timeout = null;
            var watch = Stopwatch.StartNew();
            GreenTimeoutException e = Assert.Throws<GreenTimeoutException>(() =>
            {
                using (timeout = new GreenTimeout(TimeSpan.FromMilliseconds(10)))
                {
                    Hub.Sleep(TimeSpan.FromSeconds(30));
                }
            });
            Assert.Same(timeout, e.Timeout);
            Assert.True(timeout!.HasFired);
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(10));
        });
    }

    [Fact]
    public void Message_CultureWithDecimalComma_UsesInvariantCulture()
    {
        OnThread.Run(() =>
        {
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            CultureInfo.CurrentCulture = comma;
            var e = new GreenTimeoutException(new GreenTimeout(TimeSpan.FromMilliseconds(1500)));
            Assert.Equal("1.5 seconds", e.Message);
        });
    }

    [Fact]
    public void Using_BlockFinishesInTime_NothingRaised()
    {
        OnThread.Run(() =>
        {
            using (var timeout = new GreenTimeout(TimeSpan.FromSeconds(30)))
            {
                Hub.Sleep(1);
                Assert.True(timeout.IsPending);
            }

            Hub.Sleep(1);
        });
    }

    [Fact]
    public void Dispose_CancelsTimer_NeverFiresLater()
    {
        OnThread.Run(() =>
        {
            var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(5));
            timeout.Dispose();
            Assert.False(timeout.IsPending);
            Hub.Sleep(15);
            Assert.False(timeout.HasFired);
        });
    }

    [Fact]
    public void Exception_Given_IsRaisedInstead()
    {
        OnThread.Run(() =>
        {
            var custom = new FormatException("mine");
            FormatException e = Assert.Throws<FormatException>(() =>
            {
                using var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(1), custom);
                new GreenEvent().Wait();
            });
            Assert.Same(custom, e);
        });
    }

    [Fact]
    public void Nested_OuterExpiresFirst_InnerSeesOuterTimeout()
    {
        // gevent test_nested_timeout: each timeout checks whether it is its own.
        OnThread.Run(() =>
        {
            var outer = new GreenTimeout(TimeSpan.FromMilliseconds(5));
            GreenTimeoutException? seen = null;
            try
            {
                using var inner = new GreenTimeout(TimeSpan.FromSeconds(30));
                try
                {
                    Hub.Sleep(TimeSpan.FromSeconds(30));
                }
                catch (GreenTimeoutException e) when (e.Timeout != inner)
                {
                    seen = e;
                }
            }
            finally
            {
                outer.Dispose();
            }

            Assert.Same(outer, seen!.Timeout);
        });
    }

    [Fact]
    public void InTask_TimesOutOnlyThatTask()
    {
        OnThread.Run(() =>
        {
            GreenTask task = Hub.Spawn(() =>
            {
                using var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(5));
                Hub.Sleep(TimeSpan.FromSeconds(30));
            });
            Assert.True(task.Join());
            Assert.IsType<GreenTimeoutException>(task.Exception);
        });
    }

    [Fact]
    public void Infinite_NeverFires()
    {
        OnThread.Run(() =>
        {
            using var timeout = new GreenTimeout(Timeout.InfiniteTimeSpan);
            Assert.False(timeout.IsPending);
            Hub.Sleep(1);
        });
    }
}
