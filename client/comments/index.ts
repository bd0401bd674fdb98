export { CommentsPanel, COMMENTS_LOCAL_ORIGIN, type CommentsPanelProps, type DraftPassage } from './CommentsPanel';
export { CommentableText, isPassageLiveInDoc, type CommentableTextProps } from './CommentableText';
export { useComments } from './useComments';
