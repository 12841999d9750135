namespace Greenlets.Internal;

/// <summary>Which trees a <see cref="SwitchRecorder"/> traces.</summary>
internal enum SwitchRecorderScope
{
    /// <summary>The calling thread's greenlet tree and the calling flow's async tree (the public constructor).</summary>
    ThreadAndFlow,

    /// <summary>Only the calling thread's greenlet tree.</summary>
    Thread,

    /// <summary>Only the calling flow's async tree.</summary>
    Flow,
}
