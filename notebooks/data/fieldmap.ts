// The app's field map, as in the first postmortem (before the fix): the "name" field does not exist.
export const FIELDS = {
  TICKET: {
    path: 'tickets',
    fields: {
      id: 'id',
      name: 'name',
      description: 'description',
      status: 'status',
      priority: 'priority',
      created_by: 'created_by',
      assignee: 'assignee',
    },
  },
  TICKET_ACTIVITY: {
    path: 'ticket_activities',
    fields: {
      id: 'id',
      ticket_id: 'ticket_id',
      type: 'activity_type',
      body: 'content',
      created_at: 'created_at',
    },
  },
  USER: {
    path: 'users_secure',
    fields: { id: 'id', email: 'email', name: 'full_name' },
  },
} as const
