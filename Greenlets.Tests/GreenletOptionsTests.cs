using Greenlets.Internal;

namespace Greenlets.Tests;

/// <summary>The thread cap and the other fiber settings of <see cref="GreenletOptions"/>.</summary>
[Collection(SerialCollection.Name)]
public sealed class GreenletOptionsTests
{
    [Fact]
    public void Switch_PastThreadCap_ThrowsInvalidOperationAndStaysPending() => OnThread.Run(() =>
    {
        int saved = GreenletOptions.MaxThreads;
        var suspended = new List<Greenlet>();
        try
        {
            GreenletOptions.MaxThreads = FiberPool.Shared.TotalThreads + 3;
            Exception? error = null;
            for (int i = 0; i < 100 && error is null; i++)
            {
                var g = new Greenlet(() => Greenlet.Current.Parent!.Switch());
                try
                {
                    g.Switch();
                    suspended.Add(g);
                }
                catch (InvalidOperationException e)
                {
                    error = e;
                    Assert.Equal(GreenletState.Pending, g.State);
                }
            }

            Assert.NotNull(error);
            Assert.Contains("GreenletOptions.MaxThreads", error.Message, StringComparison.Ordinal);
            Assert.InRange(suspended.Count, 3, 99);
        }
        finally
        {
            suspended.ForEach(g => g.Throw());
            GreenletOptions.MaxThreads = saved;
        }

        var after = new Greenlet(_ => "runs again");
        Assert.Equal("runs again", after.Switch());
    });

    [Fact]
    public void Setters_OutOfRange_ThrowArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GreenletOptions.MaxThreads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => GreenletOptions.StackSize = 1024);
        Assert.Throws<ArgumentOutOfRangeException>(() => GreenletOptions.IdleThreadTimeout = TimeSpan.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => GreenletOptions.MaxIdleThreads = -1);
        Assert.InRange(GreenletOptions.MaxThreads, 64, 12_000);
    }
}
