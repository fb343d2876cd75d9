// Pure helpers.
export function add(first, second) {
  const total = first + second;
  return total;
}

export const NAME = 'offcut';
