using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Phoenix.Compute.Onnx;
using Phoenix.Protocol.Compute;

namespace Phoenix.Compute.Hosting;

/// <summary>Registers Phoenix.Compute in a service collection.</summary>
public static class ComputeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <c>onnx/v1</c> executor and verifier, their shared <see cref="OnnxModelRunner"/>,
    /// and the <see cref="WorkloadRegistry"/>. Uses <see cref="TimeProvider"/> from the container when
    /// one is registered.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adjusts the execution options.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddOnnxWorkloads(this IServiceCollection services, Action<OnnxExecutionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new OnnxExecutionOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(sp => new OnnxModelRunner(options, sp.GetService<TimeProvider>(), sp.GetService<ILogger<OnnxModelRunner>>()));
        services.AddSingleton<IWorkloadExecutor>(sp => new OnnxWorkloadExecutor(sp.GetRequiredService<OnnxModelRunner>(), sp.GetService<ILogger<OnnxWorkloadExecutor>>()));
        services.AddSingleton<IResultVerifier>(sp => new OnnxResultVerifier(sp.GetRequiredService<OnnxModelRunner>()));
        services.TryAddSingleton<WorkloadRegistry>();
        return services;
    }

    /// <summary>Registers a third-party workload kind: its executor and verifier.</summary>
    /// <typeparam name="TExecutor">The executor.</typeparam>
    /// <typeparam name="TVerifier">The verifier.</typeparam>
    /// <param name="services">The services.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddWorkload<TExecutor, TVerifier>(this IServiceCollection services)
        where TExecutor : class, IWorkloadExecutor
        where TVerifier : class, IResultVerifier
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<IWorkloadExecutor, TExecutor>();
        services.AddSingleton<IResultVerifier, TVerifier>();
        services.TryAddSingleton<WorkloadRegistry>();
        return services;
    }
}
