using System.Diagnostics;
using System.Reflection;

namespace Greenlets.Tests;

/// <summary>Every public type's <see cref="DebuggerDisplayAttribute"/> points at a view that evaluates.</summary>
public sealed class DebuggerDisplayTests
{
    private static string Display(object value)
    {
        var attribute = value.GetType().GetCustomAttribute<DebuggerDisplayAttribute>(inherit: true);
        Assert.NotNull(attribute);
        Assert.Equal("{DebuggerDisplay,nq}", attribute.Value);
        PropertyInfo property = value.GetType().GetProperty("DebuggerDisplay", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!;
        return (string)property.GetValue(value)!;
    }

    [Fact]
    public void DebuggerDisplay_PublicTypes_AllCarryTheAttribute()
    {
        var missing = typeof(Greenlet).Assembly.GetExportedTypes()
            .Where(t => t.IsClass && !(t.IsAbstract && t.IsSealed) && !typeof(Delegate).IsAssignableFrom(t))
            .Where(t => t.GetCustomAttribute<DebuggerDisplayAttribute>(inherit: true) is null)
            .Select(t => t.Name)
            .ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void DebuggerDisplay_Greenlet_ShowsNameStateAndParent() => OnThread.Run(() =>
    {
        var g = new Greenlet(() => { }) { Name = "gr1" };
        Assert.Equal("gr1 Pending parent=main", Display(g));
        Assert.Equal("main Running parent=(none)", Display(Greenlet.Current));
        g.Switch();
        Assert.Equal("gr1 Dead parent=main", Display(g));
    });

    [Fact]
    public void DebuggerDisplay_OtherTypes_Evaluate() => OnThread.Run(() =>
    {
        Assert.Equal("GreenletExit: bye", Display(new GreenletExit("bye")));
        Assert.Equal("GreenletError: no", Display(new GreenletError("no")));
        var g = new Greenlet(() => { }) { Name = "x" };
        Assert.Equal("x: SomeException: some error", Display(new GreenletExceptionEventArgs(g, new SomeException())));
        using var recorder = new SwitchRecorder();
        g.Switch();
        Assert.Equal("SwitchRecorder: 2 events", Display(recorder));
        Assert.StartsWith("GreenletGenerator<Int32>", Display(new GreenletGenerator<int>(y => y(1))), StringComparison.Ordinal);
    });
}
