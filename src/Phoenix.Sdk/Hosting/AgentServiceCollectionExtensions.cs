using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Phoenix.Protocol.Compute;
using Phoenix.Sdk.Agents;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Wallets;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the miner and validator agents as hosted services.</summary>
public static class AgentServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="MinerAgent"/> hosted service mining with <paramref name="wallet"/>. It uses the
    /// registered <see cref="PhoenixClient"/> (see <c>AddPhoenixClient</c>) and every registered
    /// <see cref="IWorkloadExecutor"/> (for example Phoenix.Compute's ONNX executor, which is also its own
    /// <see cref="IUnitTraceSource"/>), plus any registered <see cref="IUnitTraceSource"/> for kinds whose executor is not.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="wallet">The miner's account.</param>
    /// <param name="configure">Adjusts the <see cref="MinerAgentOptions"/>.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <remarks>Each call adds one more agent (a process may run several miners with different wallets).
    /// The options are checked when the host starts the agent.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="wallet"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddMinerAgent(this IServiceCollection services, Wallet wallet, Action<MinerAgentOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(wallet);
        services.AddSingleton<IHostedService>(sp =>
        {
            var options = new MinerAgentOptions();
            configure?.Invoke(options);
            return new MinerAgent(sp.GetRequiredService<PhoenixClient>(), wallet, sp.GetServices<IWorkloadExecutor>(), options, sp.GetService<ILogger<MinerAgent>>(), sp.GetServices<IUnitTraceSource>());
        });
        return services;
    }

    /// <summary>
    /// Adds a <see cref="ValidatorAgent"/> hosted service acting for the validator operated by <paramref name="wallet"/>.
    /// It uses the registered <see cref="PhoenixClient"/>, every registered <see cref="IResultVerifier"/> and every
    /// registered <see cref="IUnitTraceSource"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="wallet">The validator's operator account.</param>
    /// <param name="configure">Adjusts the <see cref="ValidatorAgentOptions"/> (set <see cref="ValidatorAgentOptions.PriceSource"/> to report prices and attest).</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <remarks>Each call adds one more agent. The options are checked when the host starts the agent.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="wallet"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddValidatorAgent(this IServiceCollection services, Wallet wallet, Action<ValidatorAgentOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(wallet);
        services.AddSingleton<IHostedService>(sp =>
        {
            var options = new ValidatorAgentOptions();
            configure?.Invoke(options);
            return new ValidatorAgent(sp.GetRequiredService<PhoenixClient>(), wallet, sp.GetServices<IResultVerifier>(), options, sp.GetService<ILogger<ValidatorAgent>>(), sp.GetServices<IUnitTraceSource>());
        });
        return services;
    }
}
