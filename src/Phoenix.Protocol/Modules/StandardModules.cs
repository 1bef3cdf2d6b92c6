using Phoenix.Protocol.Application;
using Phoenix.Protocol.Modules.Distribution;
using Phoenix.Protocol.Modules.Governance;
using Phoenix.Protocol.Modules.Mint;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Modules.Slashing;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Modules.Tasks;

namespace Phoenix.Protocol.Modules;

/// <summary>Registers the chain modules of DESIGN §4 in their protocol order (after auth and bank).</summary>
public static class StandardModules
{
    /// <summary>Adds staking, distribution (also as the bank's fee distributor), slashing, oracle, burn-to-mint and governance, in that order (module order is part of the protocol).</summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The builder.</returns>
    public static PhoenixApplicationBuilder AddStandardModules(this PhoenixApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var distribution = new DistributionModule();
        return builder.UseFeeDistributor(distribution).AddModule(new StakingModule()).AddModule(distribution).AddModule(new SlashingModule()).AddModule(new OracleModule())
            .AddModule(new MintModule()).AddModule(new GovernanceModule())
            .AddModule(new TaskMarketModule(new StakingTaskStakingPort(), new OracleTaskPricePort()));
    }
}
