import { registerEnumType } from '@nestjs/graphql';
import { ALERT_STATUSES, type AlertStatus as AlertStatusName } from '../alert-status';
import { SEVERITIES, type Severity as SeverityName } from '../severity';
import { OBSERVABLE_TYPES, type ObservableType as ObservableTypeName } from '../observable-type';

export const Severity = Object.fromEntries(SEVERITIES.map((s) => [s, s])) as Record<
  SeverityName,
  SeverityName
>;
registerEnumType(Severity, { name: 'Severity' });

export const ObservableType = Object.fromEntries(OBSERVABLE_TYPES.map((s) => [s, s])) as Record<
  ObservableTypeName,
  ObservableTypeName
>;
registerEnumType(ObservableType, { name: 'ObservableType' });

export const AlertStatusEnum = Object.fromEntries(ALERT_STATUSES.map((s) => [s, s])) as Record<
  AlertStatusName,
  AlertStatusName
>;
registerEnumType(AlertStatusEnum, { name: 'AlertStatus' });
