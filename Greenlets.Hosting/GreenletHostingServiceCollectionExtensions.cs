using Greenlets;
using Greenlets.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers hosted greenlet hubs (<see cref="GreenletHubService"/>) with a service collection.</summary>
public static class GreenletHostingServiceCollectionExtensions
{
    /// <summary>Adds a hosted service that runs <paramref name="program"/> on its own hub thread while the host runs,
    /// and stops it gracefully (servers first, then every task killed with <see cref="GreenletExit"/>) when the host
    /// stops.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="program">The hub program.</param>
    /// <param name="configure">Changes the settings, or null for the defaults.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <remarks>Each call adds one more hub, with its own thread. Failures are logged with the
    /// <see cref="ILogger{TCategoryName}"/> of <see cref="GreenletHubService"/> (nothing is logged if no logging is
    /// registered).</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="program"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="configure"/> set a negative timeout (nothing is added).</exception>
    public static IServiceCollection AddGreenletHub(this IServiceCollection services, GreenletHubProgram program,
        Action<GreenletHubOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(program);
        var options = new GreenletHubOptions();
        configure?.Invoke(options);

        // A factory registration, not AddHostedService<T>: that one keeps only the first registration of a type, and
        // each call here is a hub of its own.
        services.AddSingleton<IHostedService>(provider => new GreenletHubService(
            program,
            options,
            provider,
            provider.GetService<ILogger<GreenletHubService>>() ?? NullLogger<GreenletHubService>.Instance,
            provider.GetService<IHostApplicationLifetime>()));
        return services;
    }

    /// <summary>Adds a hosted hub whose program creates a server with <paramref name="serverFactory"/> (in the hub),
    /// serves until the host stops, then stops it: accepting ends, handlers get
    /// <see cref="GreenletHubOptions.ServerStopTimeout"/> to finish, and the rest are killed.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serverFactory">Creates the server from the host's services; it may be started or not.</param>
    /// <param name="configure">Changes the settings, or null for the defaults.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="serverFactory"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="configure"/> set a negative timeout (nothing is added).</exception>
    public static IServiceCollection AddGreenletServer(this IServiceCollection services,
        Func<IServiceProvider, GreenServer> serverFactory, Action<GreenletHubOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serverFactory);
        return services.AddGreenletHub(
            context =>
            {
                using GreenServer server = serverFactory(context.Services)
                    ?? throw new InvalidOperationException("The server factory of AddGreenletServer returned null.");
                context.AddServer(server);
                server.ServeForever();
            },
            configure);
    }
}
