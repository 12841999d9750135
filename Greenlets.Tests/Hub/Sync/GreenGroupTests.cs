namespace Greenlets.Tests;

public class GreenGroupTests
{
    [Fact]
    public void Join_WaitsUntilEmpty_MembersLeaveAsTheyFinish()
    {
        OnThread.Run(() =>
        {
            var group = new GreenGroup();
            GreenTask a = group.Spawn(() => Hub.Sleep(1));
            GreenTask<int> b = group.Spawn(() => 2);
            Assert.Equal(2, group.Count);
            Assert.Contains(a, group);
            Assert.True(group.Join());
            Assert.Equal(0, group.Count);
            Assert.Equal(2, b.Value);
        });
    }

    [Fact]
    public void Join_Timeout_ReturnsFalse()
    {
        OnThread.Run(() =>
        {
            var group = new GreenGroup();
            group.Spawn(() => Hub.Sleep(TimeSpan.FromSeconds(30)));
            Assert.False(group.Join(TimeSpan.FromMilliseconds(5)));
            group.Kill();
            Assert.Equal(0, group.Count);
        });
    }

    [Fact]
    public void Join_ThrowOnError_RethrowsMemberFailure()
    {
        OnThread.Run(() =>
        {
            Hub.Current.UnhandledException += (_, _) => { };
            var group = new GreenGroup();
            var failed = new GreenEvent();
            bool otherFinished = false;

            // gevent's join(raise_error=True) waits until the group is empty, then raises the failure.
            group.Spawn(() =>
            {
                failed.Wait();
                otherFinished = true;
            });

            // A lambda whose end is a throw binds to Spawn(Func<ValueTask>) in C#: thread code casts it to Action.
            group.Spawn((Action)(() =>
            {
                failed.Set();
                throw new FormatException();
            }));
            Assert.Throws<FormatException>(() => group.Join(throwOnError: true));
            Assert.True(otherFinished);
            Assert.Equal(0, group.Count);
        });
    }

    [Fact]
    public void Join_Empty_ReturnsTrueAtOnce()
    {
        // gevent test__pool TestJoinEmpty.
        OnThread.Run(() => Assert.True(new GreenGroup().Join()));
    }

    [Fact]
    public void Discard_RemovesWithoutKilling()
    {
        OnThread.Run(() =>
        {
            var group = new GreenGroup();
            GreenTask task = group.Spawn(() => Hub.Sleep(1));
            group.Discard(task);
            Assert.Equal(0, group.Count);
            Assert.True(task.Join());
            Assert.True(task.IsSuccessful);
        });
    }

    [Fact]
    public void Add_ExistingTask_TracksIt()
    {
        OnThread.Run(() =>
        {
            var group = new GreenGroup();
            GreenTask task = Hub.Spawn(() => Hub.Sleep(1));
            group.Add(task);
            group.Add(task);
            Assert.Single(group);
            group.Join();
            Assert.Empty(group);
        });
    }

    [Fact]
    public void Kill_UnstartedMembers_NeverRun()
    {
        OnThread.Run(() =>
        {
            var group = new GreenGroup();
            int ran = 0;
            group.Spawn(() => ran++);
            group.Spawn(() => ran++);
            group.Kill();
            Hub.Sleep(0);
            Assert.Equal(0, ran);
            Assert.Equal(0, group.Count);
        });
    }
}
