namespace Greenlets.Internal;

/// <summary>A primitive that <see cref="Hub.Iwait{T}"/> can wait on besides tasks: something that turns ready once
/// and stays ready (gevent's objects with <c>rawlink</c>: <c>Event</c>, <c>AsyncResult</c>).</summary>
internal interface IGreenWaitable
{
    /// <summary>Waits cooperatively until ready; true when it is.</summary>
    bool Wait(TimeSpan? timeout);

    /// <summary>Binds to the caller's hub, or throws <see cref="GreenletError"/> naming <paramref name="member"/> when
    /// the primitive belongs to another thread's hub: checked before anything waits.</summary>
    void Bind(string member);
}
