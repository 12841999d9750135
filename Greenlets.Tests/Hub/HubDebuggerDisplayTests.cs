using System.Diagnostics;
using System.Net;
using System.Reflection;

namespace Greenlets.Tests;

/// <summary>The hub layer's <see cref="DebuggerDisplayAttribute"/> views evaluate.</summary>
public class HubDebuggerDisplayTests
{
    private static string Display(object value)
    {
        PropertyInfo property = value.GetType().GetProperty("DebuggerDisplay", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!;
        return (string)property.GetValue(value)!;
    }

    [Fact]
    public void DebuggerDisplay_HubTypes_Evaluate() => OnThread.Run(() =>
    {
        // A hub is started (untraced) when it is created, so it is never pending while work is queued on it.
        Assert.Equal("hub Suspended parent=main", Display(Hub.Current));
        GreenTask task = Hub.Spawn(() => { });
        task.Name = "t";
        Assert.Equal("t Pending parent=hub", Display(task));
        Assert.Equal("GreenEvent IsSet=False waiters=0", Display(new GreenEvent()));
        Assert.Equal("GreenResult<Int32> IsReady=False", Display(new GreenResult<int>()));
        Assert.Equal("GreenQueue<String> Count=0 MaxSize=0 getters=0 putters=0", Display(new GreenQueue<string>(0)));
        Assert.Equal("GreenSemaphore CurrentCount=2 waiters=0", Display(new GreenSemaphore(2)));
        Assert.Equal("GreenLock IsLocked=False owner=(none) depth=0", Display(new GreenLock()));
        Assert.Equal("GreenGroup Count=0", Display(new GreenGroup()));
        Assert.Equal("GreenPool Count=0 FreeCount=3 Size=3", Display(new GreenPool(3)));
        Assert.Equal("GreenStream over MemoryStream", Display(new GreenStream(new MemoryStream())));
        using (var timeout = new GreenTimeout(TimeSpan.FromSeconds(30)))
        {
            Assert.StartsWith("GreenTimeout 00:00:30 pending=True", Display(timeout), StringComparison.Ordinal);
        }

        Assert.StartsWith("HubLoopExitException: ", Display(new HubLoopExitException()), StringComparison.Ordinal);
        Assert.StartsWith("GreenTimeoutException: ", Display(new GreenTimeoutException()), StringComparison.Ordinal);
        using var server = new GreenServer(new IPEndPoint(IPAddress.Loopback, 0), (_, _) => { });
        Assert.StartsWith("GreenServer 127.0.0.1:", Display(server), StringComparison.Ordinal);
        task.Join();
    });
}
