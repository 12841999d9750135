namespace Greenlets.Hosting;

/// <summary>The body of a hosted hub: runs as a <see cref="GreenTask"/> on the hub's own thread.</summary>
/// <param name="context">The hub, the host's services, the stopping signal, and where to register servers.</param>
/// <remarks>It may wait cooperatively (<see cref="Hub.Sleep(TimeSpan)"/>, <see cref="Hub.Wait(Task)"/>, the
/// <c>Green*</c> primitives) and spawn tasks; returning does not stop the hub, which keeps running what the program
/// spawned until the host stops. An exception escaping it is logged and, by default, stops the host.</remarks>
public delegate void GreenletHubProgram(GreenletHubContext context);
