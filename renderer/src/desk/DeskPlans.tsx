import type { ContingencyPlan } from '../../../protocol/collaboration.js';
import { CONTINGENCY_WORDS } from '../../../protocol/collaboration.js';
import type { DeskTile } from '../../../protocol/desk.js';

/** The core adds each site's written contingency plans to its tile (docs/architecture.md "Collaboration"). */
export function tilePlans(tile: DeskTile): ContingencyPlan[] {
  return tile.plans.filter((plan) => plan.text.trim() !== '');
}

/**
 * One site's plans (communication failure, internet instability, power outage, emergency), opened
 * from its tile: a panel in the layout, not a dialog, so nothing is blocked during an acquisition.
 */
export function DeskPlans({ tile, onClose }: { tile: DeskTile; onClose: () => void }) {
  const plans = tilePlans(tile);
  return (
    <section className="desk-plans panel" aria-label={`Contingency plans of ${tile.site.name}`} data-testid="desk-plans">
      <header className="panel-head">
        <span className="panel-title">Contingency plans · {tile.site.name}</span>
        <button type="button" className="small" onClick={onClose} data-testid="desk-plans-close">
          Close plans
        </button>
      </header>
      <dl className="desk-plan-list">
        {plans.map((plan) => (
          <div key={plan.kind} className="desk-plan">
            <dt>
              {CONTINGENCY_WORDS[plan.kind]}
              {plan.updatedAt ? (
                <span className="muted">
                  {' '}
                  · version {plan.version} of {plan.updatedAt.slice(0, 10)}
                  {plan.updatedBy ? ` by ${plan.updatedBy}` : ''}
                </span>
              ) : null}
            </dt>
            <dd>{plan.text}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
